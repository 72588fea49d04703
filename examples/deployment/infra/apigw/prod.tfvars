environment = "prod"
issuer      = "https://login.example.com/tenants/prod"
audience    = "api://reports-prod"
