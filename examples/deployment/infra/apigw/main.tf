# The public HTTP API in front of the serverless reports service.
variable "environment" {
  type = string
}

variable "issuer" {
  type        = string
  description = "The IdP tenant whose tokens the authorizer accepts"
}

variable "audience" {
  type = string
}

resource "aws_apigatewayv2_api" "reports" {
  name          = "reports-${var.environment}"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_authorizer" "reports" {
  api_id           = aws_apigatewayv2_api.reports.id
  authorizer_type  = "JWT"
  identity_sources = ["$request.header.Authorization"]
  name             = "reports-jwt"

  jwt_configuration {
    issuer   = var.issuer
    audience = [var.audience]
  }
}
