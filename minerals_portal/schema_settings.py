"""drf-spectacular's settings: what the OpenAPI schema and its docs page say of the API."""

SPECTACULAR_SETTINGS = {
    "TITLE": "Kazakhstan critical-minerals deal portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {
        # No deep links: they nest a link in each operation's toggle (axe: nested-interactive).
        "deepLinking": False,
        "persistAuthorization": True,
        "validatorUrl": None,
    },
    "ENUM_NAME_OVERRIDES": {
        "AgreementKindEnum": "deals.models.Agreement.Kind",
        "AgreementStatusEnum": "deals.models.Agreement.Status",
        "AmountKindEnum": "deals.models.Amount.Kind",
        "CompanyKindEnum": "deals.models.Company.Kind",
        "EventKindEnum": "deals.models.Event.Kind",
        "DepositKindEnum": "deposits.models.Deposit.Kind",
        "SourceKindEnum": "deals.models.Source.Kind",
        "PartyRoleEnum": "deals.models.AgreementParty.Role",
        "DepositCommodityRoleEnum": "deposits.models.DepositCommodity.Role",
        "ChangeEventEnum": "deals.models.feed.ChangeEvent",
        "DeliveryStatusEnum": "deals.webhooks.models.DeliveryStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "minerals_portal.api.schema.document_errors_and_caching",
    ],
}
