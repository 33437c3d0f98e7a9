"""API URLs (placeholder until the REST API lands)."""

urlpatterns: list = []
