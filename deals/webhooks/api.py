"""``/api/v1/webhooks/``: a partner's own endpoints, their delivery log, redelivery."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from minerals_portal.api.fields import StrictBooleanField
from minerals_portal.api.pagination import FeedCursorPagination
from minerals_portal.api.writing import api_error

from ..api.feed import RESOURCES
from ..models.feed import ChangeEvent
from ..services import webhooks as service
from .models import WebhookDelivery, WebhookEndpoint
from .tasks import deliver_endpoint


class PartnerPermission(BasePermission):
    """Anyone who may read the feed may register endpoints; each sees only their own."""

    message = "Webhooks need an account that may read the change feed."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("deals.view_deal"))


class EndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=ChangeEvent.choices), required=False
    )
    resources = serializers.ListField(
        child=serializers.ChoiceField(
            choices=list(RESOURCES), error_messages={"invalid_choice": "Unknown resource: {input}."}
        ),
        required=False,
    )
    active = StrictBooleanField(required=False)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "resources",
            "active",
            "position",
            "failures",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = ["position", "failures", "disabled_reason", "created_at"]

    def save_through_service(self, endpoint):
        try:
            user = self.context["request"].user
            return service.save_endpoint(user, endpoint, **self.validated_data)
        except DjangoValidationError as exc:
            raise api_error(exc) from exc
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from exc

    def create(self, validated_data):
        return self.save_through_service(None)

    def update(self, instance, validated_data):
        return self.save_through_service(instance)


class NewEndpointSerializer(EndpointSerializer):
    """The answer to a registration: the signing secret, shown this once."""

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = [*EndpointSerializer.Meta.read_only_fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer):
    position = serializers.IntegerField(source="change.position")
    resource = serializers.CharField(source="change.resource")
    object_id = serializers.IntegerField(source="change.object_id")
    event = serializers.CharField(source="change.event")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "position",
            "resource",
            "object_id",
            "event",
            "status",
            "attempts",
            "response_status",
            "error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
        ]


class ById(FeedCursorPagination):
    ordering = ("id",)


class NewestFirst(FeedCursorPagination):
    ordering = ("-id",)


class WebhookEndpointViewSet(viewsets.ModelViewSet):
    """Your webhook endpoints: the change feed's entries, POSTed and signed."""

    serializer_class = EndpointSerializer
    permission_classes = [PartnerPermission]
    pagination_class = ById
    filter_backends = []
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(owner=self.request.user).order_by("id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = serializer.save()
        return Response(NewEndpointSerializer(endpoint).data, status=201)

    def perform_destroy(self, instance):
        service.delete_endpoint(self.request.user, instance)

    @extend_schema(responses={200: DeliverySerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=NewestFirst)
    def deliveries(self, request, pk=None):
        """The endpoint's delivery log, newest first."""
        endpoint = self.get_object()
        queryset = endpoint.deliveries.select_related("change").order_by("-id")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_id>[0-9]{1,18})/redeliver",
        url_name="redeliver",
    )
    def redeliver(self, request, pk=None, delivery_id=None):
        """Send a logged delivery's entry again, as a new delivery."""
        endpoint = self.get_object()
        delivery = get_object_or_404(endpoint.deliveries.all(), pk=delivery_id)
        copy = service.redeliver(request.user, delivery)
        deliver_endpoint.delay(endpoint.pk)
        copy.refresh_from_db()
        return Response(DeliverySerializer(copy).data, status=202)
