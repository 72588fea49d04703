environment = "staging"
issuer      = "https://login.example.com/tenants/staging"
audience    = "api://reports-staging"
