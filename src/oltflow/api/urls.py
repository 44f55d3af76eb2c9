"""The REST API's routes, under ``/api/v1/``."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from oltflow.api import views

router = DefaultRouter()
router.register("brands", views.BrandViewSet)
router.register("olt-models", views.OltModelViewSet)
router.register("index-formulas", views.IndexFormulaViewSet)
router.register("oids", views.OidViewSet)
router.register("task-functions", views.TaskFunctionViewSet)
router.register("task-templates", views.TaskTemplateViewSet)
router.register("olts", views.OltViewSet)
router.register("onus", views.OnuViewSet, basename="onu")
router.register("workflow-templates", views.WorkflowTemplateViewSet)
router.register("workflow-template-nodes", views.WorkflowTemplateNodeViewSet)
router.register("job-hosts", views.JobHostViewSet)
router.register("executions", views.ExecutionViewSet)

urlpatterns = [
    # POST username and password, get the user's token for "Authorization: Token <key>".
    path("auth-token/", obtain_auth_token, name="api-auth-token"),
    *router.urls,
]
