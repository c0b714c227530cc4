"""The one tenant-scoping mechanism of the admin: each organiser sees only their organisations' rows.

Every scoped model names the path from its rows to their Organisation (`Campaign: "organisation"`,
`Signature: "campaign__organisation"`, ...). From that single map come the querysets of admin lists,
change pages, history, actions and custom views (`scoped`), the choices of foreign-key fields and of
list filters, and autocomplete (which reads the remote admin's queryset). Superusers see everything;
staff who belong to no organisation see nothing.
"""

from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from campaigns.models import Organisation

# model -> lookup path from its rows to their Organisation, or a tuple of paths any of which may
# match (a partnership belongs to the campaign's organisation and to the partner organisation);
# filled by the Scoped admins when they are defined or registered.
TenantPath = str | tuple[str, ...]
TENANT_PATHS: dict[type[models.Model], TenantPath] = {Organisation: "pk"}


def register_tenant_path(model: type[models.Model], path: TenantPath) -> None:
    known = TENANT_PATHS.get(model)
    if known is not None and known != path:
        raise ImproperlyConfigured(f"{model.__name__} is scoped by {known!r} and by {path!r}")
    TENANT_PATHS[model] = path


def organisation_ids(user) -> list[int] | None:
    """The organisations `user` organises for; None means every one (superusers)."""
    if not user.is_active:
        return []
    if user.is_superuser:
        return None
    if not user.is_staff:
        return []
    cached = getattr(user, "_outcry_organisation_ids", None)
    if cached is None:
        cached = list(user.organisations.values_list("pk", flat=True))
        user._outcry_organisation_ids = cached
    return cached


def is_organiser(user) -> bool:
    """Active staff who may use the organisers' admin: superusers and members of an organisation."""
    ids = organisation_ids(user)
    return ids is None or bool(ids)


def tenant_q(model: type[models.Model], user) -> Q | None:
    """The filter that keeps `model`'s rows of `user`'s organisations; None: no filter needed."""
    ids = organisation_ids(user)
    if ids is None:
        return None
    try:
        paths = TENANT_PATHS[model]
    except KeyError:
        raise ImproperlyConfigured(f"{model.__name__} has no tenant path: it cannot be shown to organisers") from None
    condition = Q()
    for path in (paths,) if isinstance(paths, str) else paths:
        condition |= Q(**{f"{path}__in": ids})
    return condition


def scoped(queryset: QuerySet, user) -> QuerySet:
    """`queryset` narrowed to `user`'s organisations (unchanged for superusers)."""
    condition = tenant_q(queryset.model, user)
    return queryset if condition is None else queryset.filter(condition)


def get_scoped_or_404(queryset: QuerySet, user, **lookup) -> models.Model:
    """One row the user may see, else 404: another organisation's id looks exactly like a missing one."""
    if not is_organiser(user):
        raise PermissionDenied
    return get_object_or_404(scoped(queryset, user), **lookup)


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """A foreign-key filter whose choices are only the user's organisations' rows."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        condition = tenant_q(field.related_model, request.user)
        if condition is None:
            return field.get_choices(include_blank=False, ordering=ordering)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=condition)


class ScopedMixin:
    """For ModelAdmin and inlines: rows, related choices and permissions follow the user's organisations.

    `tenant_path` is the lookup from this admin's model to its Organisation. `organiser_permissions`
    lists what members may do (Django's per-model permissions are not needed for them); the admin's
    own restrictions (read-only lists) still apply on top.
    """

    tenant_path: TenantPath = ""
    organiser_permissions = frozenset({"view", "add", "change", "delete"})

    def __init_subclass__(cls, **kwargs):
        # Inlines name their model on the class and are only instantiated per request: register now,
        # so other admins' filters and choices know the path before the first request.
        super().__init_subclass__(**kwargs)
        if cls.tenant_path and isinstance(getattr(cls, "model", None), type):
            register_tenant_path(cls.model, cls.tenant_path)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.tenant_path:
            raise ImproperlyConfigured(f"{type(self).__name__} must set tenant_path")
        register_tenant_path(self.model, self.tenant_path)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if not is_organiser(request.user):
            return queryset.none()
        return scoped(queryset, request.user)

    def get_field_queryset(self, db, db_field, request: HttpRequest):
        """Foreign-key and many-to-many choices (selects, autocomplete validation) of the user's rows."""
        queryset = super().get_field_queryset(db, db_field, request)
        related = db_field.remote_field.model
        if related not in TENANT_PATHS:
            # Users and other unscoped models are chosen by superusers only.
            if organisation_ids(request.user) is not None:
                return related._default_manager.none()
            return queryset
        if queryset is None:
            queryset = related._default_manager.using(db)
        if not is_organiser(request.user):
            return queryset.none()
        return scoped(queryset, request.user)

    def _organiser_may(self, request: HttpRequest, action: str) -> bool | None:
        """None: defer to Django's permissions (superusers); else the organiser's answer."""
        ids = organisation_ids(request.user)
        if ids is None:
            return None
        # No per-object check here: every object an admin view shows or changes is loaded through
        # get_queryset, which is already scoped (another organisation's id is simply not found).
        return bool(ids) and action in self.organiser_permissions

    def _permission(self, action: str, request: HttpRequest, default) -> bool:
        answer = self._organiser_may(request, action)
        return default() if answer is None else answer

    def has_view_permission(self, request, obj=None):
        parent = super().has_view_permission
        return self._permission("view", request, lambda: parent(request, obj))

    def has_change_permission(self, request, obj=None):
        parent = super().has_change_permission
        return self._permission("change", request, lambda: parent(request, obj))

    def has_delete_permission(self, request, obj=None):
        parent = super().has_delete_permission
        return self._permission("delete", request, lambda: parent(request, obj))


class ScopedModelAdmin(ScopedMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        parent = super().has_add_permission
        return self._permission("add", request, lambda: parent(request))

    def has_module_permission(self, request):
        if organisation_ids(request.user) is None:
            return super().has_module_permission(request)
        return is_organiser(request.user)

    def get_list_filter(self, request):
        """Plain foreign-key filters become scoped ones: no other organisation's names in the sidebar."""
        result = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and isinstance(self._filter_field(item), models.ForeignKey):
                item = (item, ScopedRelatedFieldListFilter)
            result.append(item)
        return result

    def _filter_field(self, name: str):
        try:
            return self.model._meta.get_field(name)
        except FieldDoesNotExist:  # a path through relations: not a direct foreign key
            return None


class ScopedInlineMixin(ScopedMixin):
    def has_add_permission(self, request, obj=None):
        parent = super().has_add_permission
        return self._permission("add", request, lambda: parent(request, obj))
