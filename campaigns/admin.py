"""The organisers' interface for campaigns: one form with targets and per-language letters inline."""

from django.contrib import admin

from campaigns.models import Campaign, MessageTemplate, Organisation, Target


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


class TargetInline(admin.StackedInline):
    model = Target
    extra = 0
    fieldsets = [
        (None, {"fields": [("name", "title"), ("email", "language"), "is_active"]}),
        (
            "Sending rules",
            {
                "fields": [
                    ("hourly_cap", "timezone"),
                    ("window_start", "window_end", "weekdays_only"),
                    "skip_dates",
                    "sending_paused",
                ],
                "description": "Mail systems stop accepting a sender at about 3,600 messages an hour "
                "and then drop its mail for a day: keep the cap well below that.",
            },
        ),
    ]


class MessageTemplateInline(admin.StackedInline):
    model = MessageTemplate
    extra = 0
    fields = ["language", "page_title", "summary", "story", "letter_subject", "letter_body"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "status", "starts_at", "ends_at", "goal"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MessageTemplateInline, TargetInline]
    fieldsets = [
        (None, {"fields": ["organisation", "name", "slug", "status", "default_language"]}),
        ("Dates and goal", {"fields": ["starts_at", "ends_at", "goal"]}),
        ("Page and sharing", {"fields": ["image", "share_text", "allow_personal_message", "consent_text"]}),
        (
            "Sending",
            {
                "fields": [
                    "sending_paused",
                    "require_confirmation",
                    ("delivery_mode", "digest_period"),
                    "bcc_email",
                    "offer_signer_copy",
                ],
                "description": "In digest mode each target gets one letter per period naming every new "
                "signer, with their messages: the pressure of every signature without tripping the "
                "target's mail limits.",
            },
        ),
        (
            "Abuse defences",
            {
                "fields": [
                    ("abuse_honeypot", "abuse_min_fill_seconds", "abuse_captcha"),
                    ("abuse_ip_hourly_limit", "abuse_email_daily_limit", "abuse_domain_hourly_limit"),
                    "abuse_block_disposable",
                ],
                "description": "Suspect signatures are held silently: stored, not counted, no letter, "
                "and their sender sees the usual thank-you page. Review them under Signatures.",
                "classes": ["collapse"],
            },
        ),
    ]
