from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "oltflow.jobs"
    label = "jobs"
