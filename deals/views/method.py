from django.shortcuts import render

from deals.counting import RULES


def method(request):
    """How every total is counted and dated; each rule has an anchor totals link to."""
    return render(request, "deals/method.html", {"rules": RULES})
