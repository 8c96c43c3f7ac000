from django.contrib.auth import views as auth_views
from django.urls import path

from switchboard.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("preferences/", views.preferences, name="preferences"),
    path("language/", views.switch_language, name="switch_language"),
]
