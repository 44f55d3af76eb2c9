from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "oltflow.web"
    label = "web"
