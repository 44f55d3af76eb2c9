from django.apps import AppConfig


class CoordinatorConfig(AppConfig):
    name = "oltflow.coordinator"
    label = "coordinator"
