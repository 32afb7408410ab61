"""UI routes of the shell: start page with the global search, the type-ahead, login and
language. Each domain app mounts its own pages (``<app>/urls.py``, collected in verbund.urls)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from verbund.core import twofactor
from verbund.web.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", twofactor.manage, name="two-factor"),
    path("accounts/two-factor/verify/", twofactor.verify, name="two-factor-verify"),
    path("language/", home.set_language, name="set-language"),
    path("search/", home.search_results, name="search-results"),
    path("search/pick/", home.party_picker, name="party-picker"),
]
