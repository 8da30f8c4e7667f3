"""The public survey page (no login): one form per signed link, then a thank-you page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from infonavit_atencion.core.errors import ApplicationError, ValidationFailed

from .errors import SurveyAlreadyAnswered, SurveyLinkExpired
from .forms import SurveyForm
from .selectors import survey_case_for
from .services import SurveyInput, survey_answer

TEMPLATE = "surveys/answer.html"


def _unavailable(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    reason = "invalid"
    if isinstance(error, SurveyLinkExpired):
        reason = "expired"
    elif isinstance(error, SurveyAlreadyAnswered):
        reason = "answered"
    return render(request, "surveys/unavailable.html", {"reason": reason}, status=error.status)


@require_http_methods(["GET", "POST"])
def survey_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        case = survey_case_for(token)
    except ApplicationError as error:
        return _unavailable(request, error)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = SurveyInput(
            form.cleaned_data["csat"], form.cleaned_data["nps"], form.cleaned_data["comment"]
        )
        try:
            survey_answer(token, data, timezone.now())
        except ValidationFailed as invalid:
            for field_error in invalid.errors:
                field = field_error.field if field_error.field in form.fields else None
                form.add_error(field, field_error.message)
        except ApplicationError as refused:
            return _unavailable(request, refused)
        else:
            return redirect("surveys:thanks")
    status = 400 if form.is_bound else 200
    return render(request, TEMPLATE, {"form": form, "case": case}, status=status)


def survey_thanks_view(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/thanks.html")
