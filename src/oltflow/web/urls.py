"""The dashboard's URLs."""

from django.contrib.auth import views as auth_views
from django.urls import path

from oltflow.web import views

app_name = "web"

urlpatterns = [
    path("", views.fleet, name="fleet"),
    path("fragments/fleet/", views.fleet_fragment, name="fleet-fragment"),
    path("olts/<int:pk>/", views.olt_detail, name="olt"),
    path("olts/<int:pk>/live/", views.olt_live_fragment, name="olt-live"),
    path("onus/<int:pk>/", views.onu_detail, name="onu"),
    path("executions/", views.execution_list, name="executions"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html", next_page="web:fleet"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="web:login"), name="logout"),
]
