from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "oltflow.workflows"
    label = "workflows"
