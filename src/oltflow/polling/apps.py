from django.apps import AppConfig


class PollingConfig(AppConfig):
    name = "oltflow.polling"
    label = "polling"
