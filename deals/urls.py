from django.urls import path

from .views import (
    companies,
    dashboard,
    deals,
    editorial,
    history,
    method,
    search,
    sources,
    timeline,
)

urlpatterns = [
    path("", timeline.timeline_page, name="home"),
    path("deals/", deals.deal_list, name="deal-list"),
    path("deals/<slug:slug>/", deals.deal_detail, name="deal-detail"),
    path("deals/<slug:slug>/history/", history.deal_history, name="deal-history"),
    path("companies/", companies.company_list, name="company-list"),
    path("companies/<slug:slug>/", companies.company_detail, name="company-detail"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("editorial/", editorial.editorial_dashboard, name="editorial"),
    path("method/", method.method, name="method"),
    path("search/", search.search, name="search"),
    path("sources/", sources.source_list, name="source-list"),
    path("sources/<slug:slug>/", sources.source_detail, name="source-detail"),
    path("sources/<slug:slug>/copy/", sources.source_copy, name="source-copy"),
]
