"""The one tenant-scoping mechanism of the admin: each organiser sees only their organisations' rows,
and does there only what their role allows.

Every scoped model names the path from its rows to their Organisation (`Campaign: "organisation"`,
`Signature: "campaign__organisation"`, ...). From that single map come the querysets of admin lists,
change pages, history, actions and custom views (`scoped`), the choices of foreign-key fields and of
list filters, and autocomplete (which reads the remote admin's queryset). Each question also names
a capability (campaigns/roles.py): the organisations where the user's role grants it are the ones
that count, so a translator's list shows the campaigns but no signer, and an action runs only on
the rows of organisations where the user may do it. Superusers see everything; staff who belong to
no organisation see nothing.
"""

from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from campaigns.models import Membership, Organisation
from campaigns.roles import CAPABILITIES, Can

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


def roles(user) -> dict[int, str]:
    """The user's role in each of their organisations, read once per request (the user object)."""
    cached = getattr(user, "_outcry_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        user._outcry_roles = cached
    return cached


def organisation_ids(user, can: Can = Can.VIEW) -> list[int] | None:
    """The organisations where `user`'s role grants `can`; None means every one (superusers)."""
    if not user.is_active:
        return []
    if user.is_superuser:
        return None
    if not user.is_staff:
        return []
    return [organisation for organisation, role in roles(user).items() if can in CAPABILITIES[role]]


def may(user, can: Can, obj: models.Model | None = None) -> bool:
    """Whether `user` may do `can` in `obj`'s organisation (or, without `obj`, in any of theirs)."""
    ids = organisation_ids(user, can)
    if ids is None:
        return True
    if obj is None:
        return bool(ids)
    return bool(organisations_of(obj) & set(ids))


def organisations_of(obj: models.Model) -> set[int]:
    """The organisation(s) a row belongs to, read along its model's tenant path(s)."""
    paths = TENANT_PATHS[type(obj)]
    found = set()
    for path in (paths,) if isinstance(paths, str) else paths:
        if path == "pk":
            found.add(obj.pk)
            continue
        *hops, last = path.split("__")
        node = obj
        for hop in hops:
            node = getattr(node, hop, None)
            if node is None:
                break
        else:
            if getattr(node, f"{last}_id", None) is not None:
                found.add(getattr(node, f"{last}_id"))
    return found


def is_organiser(user) -> bool:
    """Active staff who may use the organisers' admin: superusers and members of an organisation."""
    ids = organisation_ids(user)
    return ids is None or bool(ids)


def tenant_q(model: type[models.Model], user, can: Can = Can.VIEW) -> Q | None:
    """The filter that keeps `model`'s rows of the organisations where `user` may `can`; None: no
    filter needed."""
    ids = organisation_ids(user, can)
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


def scoped(queryset: QuerySet, user, can: Can = Can.VIEW) -> QuerySet:
    """`queryset` narrowed to the organisations where `user` may `can` (unchanged for superusers)."""
    condition = tenant_q(queryset.model, user, can)
    return queryset if condition is None else queryset.filter(condition)


def get_scoped_or_404(queryset: QuerySet, user, can: Can = Can.VIEW, **lookup) -> models.Model:
    """One row the user may `can`, else 404: another organisation's id looks exactly like a missing
    one. A row of their own organisation that their role does not allow is refused (403)."""
    if not is_organiser(user):
        raise PermissionDenied
    row = get_object_or_404(scoped(queryset, user), **lookup)
    if not may(user, can, row):
        raise PermissionDenied
    return row


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
    lists what members may do at all (Django's per-model permissions are not needed for them), and
    `organiser_capabilities` which capability each of those permissions needs in the row's
    organisation; the admin's own restrictions (read-only lists) still apply on top.
    """

    tenant_path: TenantPath = ""
    organiser_permissions = frozenset({"view", "add", "change", "delete"})
    organiser_capabilities: dict[str, Can] = {"view": Can.VIEW, "add": Can.EDIT, "change": Can.EDIT, "delete": Can.EDIT}

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
        return scoped(queryset, request.user, self.organiser_capabilities["view"])

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
        # A form's choices are what the user may put there: rows where they may make this change.
        return scoped(queryset, request.user, self.organiser_capabilities["change"])

    def _organiser_may(self, request: HttpRequest, action: str, obj=None) -> bool | None:
        """None: defer to Django's permissions (superusers); else the organiser's answer: the action
        is one members may take here, and their role grants its capability in the row's organisation
        (without a row: in one of theirs; lists and actions are then narrowed to those)."""
        if organisation_ids(request.user) is None:
            return None
        if action not in self.organiser_permissions:
            return False
        return may(request.user, self.organiser_capabilities[action], obj)

    def _permission(self, action: str, request: HttpRequest, default, obj=None) -> bool:
        answer = self._organiser_may(request, action, obj)
        return default() if answer is None else answer

    def has_view_permission(self, request, obj=None):
        parent = super().has_view_permission
        return self._permission("view", request, lambda: parent(request, obj), obj)

    def has_change_permission(self, request, obj=None):
        parent = super().has_change_permission
        return self._permission("change", request, lambda: parent(request, obj), obj)

    def has_delete_permission(self, request, obj=None):
        parent = super().has_delete_permission
        return self._permission("delete", request, lambda: parent(request, obj), obj)

    def get_action(self, action):
        """Every action runs only on the rows of organisations where the user's role grants what the
        action needs (the selection may span organisations with different roles)."""
        found = super().get_action(action)
        if found is None:
            return None
        func, name, description = found
        needs = [self.organiser_capabilities[p] for p in getattr(func, "allowed_permissions", ())]

        def narrowed(modeladmin, request, queryset):
            for can in needs:
                queryset = scoped(queryset, request.user, can)
            return func(modeladmin, request, queryset)

        narrowed.allowed_permissions = getattr(func, "allowed_permissions", ())
        narrowed.short_description = getattr(func, "short_description", description)
        return narrowed, name, description


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
