from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "oltflow.api"
    label = "api"
