from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "oltflow.catalog"
    label = "catalog"
