from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from tenancy.selectors import brand_for_user, brands_for_user


@login_required
def home(request):
    brands = brands_for_user(user=request.user).select_related("tenant")
    return render(request, "tenancy/home.html", {"brands": brands})


@login_required
def brand_detail(request, brand_id):
    brand = brand_for_user(user=request.user, brand_id=brand_id)
    return render(request, "tenancy/brand_detail.html", {"brand": brand})
