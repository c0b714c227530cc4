"""What every list of public-produced rows shares: read-only, and cheap on a million rows."""

from django.contrib.admin.options import ShowFacets

from campaigns.tenancy import ScopedModelAdmin


class ReadOnlyAdmin(ScopedModelAdmin):
    """Rows written by the public and by the sender are evidence: organisers look, services write.

    No exact total under a filter (a count of a million rows on every click) and no facet counts.
    """

    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    organiser_permissions = frozenset({"view"})

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
