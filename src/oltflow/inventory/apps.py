from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "oltflow.inventory"
    label = "inventory"
