"""Plain function views: the least Django work behind each benchmarked URL."""

from django.http import JsonResponse
from django.shortcuts import redirect, render

from .forms import SignerForm
from .models import Signer


def page(request):
    """GET renders the form, POST saves a row and redirects (post/redirect/get)."""
    if request.method == "POST":
        form = SignerForm(request.POST)
        if form.is_valid():
            form.save()
            return redirect("thanks")
    else:
        form = SignerForm()
    return render(request, "refsite/page.html", {"form": form})


def thanks(request):
    return render(request, "refsite/thanks.html")


def row_json(request):
    """One row read by primary key, the lower bound for a JSON read."""
    row = Signer.objects.values("first_name", "last_name", "country").get(pk=1)
    return JsonResponse(row)
