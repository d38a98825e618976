"""`vigie serve`: member feeds over HTTP, a subscribe page and a health check, on the published snapshot.

The service only ever reads `published.duckdb`, which the pipeline replaces atomically (os.replace) at the end
of a run; service.snapshot reopens its one connection when the file changes, and service.cache keeps rendered
feeds per snapshot version. Each page or endpoint is one module of service.routes, given the shared
service.context.Service; service.app puts them together.
"""
