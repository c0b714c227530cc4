"""Admin for the abuse defences: block rules, and the review of held and spam signatures."""

from django.contrib import admin

from petitions.abuse.lists import forget_block_rules
from petitions.models import BlockRule


@admin.register(BlockRule)
class BlockRuleAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "note", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]
    fields = ["kind", "value", "note"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        forget_block_rules()
