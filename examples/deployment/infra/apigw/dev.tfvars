environment = "dev"
issuer      = "https://login.example.com/tenants/dev"
audience    = "api://reports-dev"
