"""The service's pages and endpoints, one module each; every module's `routes(service)` lists its routes."""
