from django.urls import path

from . import views

urlpatterns = [
    path("deposits/", views.deposit_list, name="deposit-list"),
    path("deposits/<slug:slug>/", views.deposit_detail, name="deposit-detail"),
    path("map/", views.deposit_map, name="map"),
]
