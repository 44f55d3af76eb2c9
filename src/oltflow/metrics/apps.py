from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "oltflow.metrics"
    label = "metrics"
