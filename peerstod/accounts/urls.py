from django.contrib.auth.decorators import login_required
from django.urls import path

from peerstod.accounts import views
from peerstod.accounts.permissions import second_factor_exempt

app_name = "accounts"

urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", second_factor_exempt(views.LogoutView.as_view()), name="logout"),
    path("", views.profile, name="profile"),
    path(
        "losenord/",
        login_required(views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "losenord/klart/",
        login_required(views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("aterstall/", views.PasswordResetView.as_view(), name="password_reset"),
    path("aterstall/skickat/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "aterstall/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "aterstall/klart/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("tvastegsverifiering/", views.second_factor, name="second_factor"),
    path(
        "tvastegsverifiering/aktivera/",
        views.second_factor_enrol,
        name="second_factor_enrol",
    ),
    path("tvastegsverifiering/reservkoder/", views.recovery_codes, name="recovery_codes"),
]
