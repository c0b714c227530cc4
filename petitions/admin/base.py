"""What every list of public-produced rows shares: read-only, and cheap on a million rows."""

from django.contrib.admin.options import ShowFacets

from campaigns.tenancy import ScopedModelAdmin
from petitions.admin.paging import CappedCountPaginator


class ReadOnlyAdmin(ScopedModelAdmin):
    """Rows written by the public and by the sender are evidence: organisers look, services write.

    No exact total beyond 10,000 rows (a count of a million rows on every click) and no facet counts.
    """

    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    paginator = CappedCountPaginator
    organiser_permissions = frozenset({"view"})

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
