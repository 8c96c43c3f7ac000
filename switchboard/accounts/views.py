from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from switchboard.accounts.actions import check_set_preferences
from switchboard.accounts.models import validate_time_zone


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    time_zone = forms.CharField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        required=False,
        validators=[validate_time_zone],
        help_text=gettext_lazy("Leave empty to use the company default, e.g. Asia/Dhaka."),
    )


def _redirect_back(request, fallback="home"):
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return HttpResponseRedirect(target)


@login_required
def preferences(request):
    user = request.user
    form = PreferencesForm(
        request.POST or None,
        initial={
            "language": user.language or translation.get_language(),
            "time_zone": user.time_zone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            check_set_preferences(
                user,
                language=form.cleaned_data["language"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            translation.activate(user.language)
            messages.success(request, _("Your preferences are saved."))
            return HttpResponseRedirect(request.path)
    return render(request, "accounts/preferences.html", {"form": form})


@require_POST
def switch_language(request):
    """Switch the interface language from the top bar; remembered on the user when signed in."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Choose Bengali or English."))
        return _redirect_back(request)
    if request.user.is_authenticated:
        check_set_preferences(request.user, language=language, time_zone=None)
    translation.activate(language)
    response = _redirect_back(request)
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


@login_required
def home(request):
    """Each role lands where its day starts: supervisors on the floor, agents at the desk."""
    user = request.user
    if user.has_perm("acd.view_floor"):
        return redirect("acd:floor")
    if user.has_perm("acd.use_desk") and hasattr(user, "agent_profile"):
        return redirect("acd:desk")
    return redirect("contacts:list")
