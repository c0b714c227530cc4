"""What the API answers, as pydantic schemas: the OpenAPI document is made from these.

Fields are only ever added within a version: a client written for /api/v1/ keeps working.
"""

from datetime import date, datetime
from enum import StrEnum

from django.conf import settings
from ninja import Schema
from pydantic import Field

Language = StrEnum("Language", {code: code for code, _ in settings.LANGUAGES})


class Error(Schema):
    detail: str


class InvalidField(Schema):
    type: str
    loc: list[str | int]
    msg: str


class Invalid(Schema):
    detail: list[InvalidField]


class Campaign(Schema):
    slug: str
    title: str = Field(description="The page title in `language`.")
    summary: str
    language: str = Field(description="The language of `title` and `summary`: the one asked for, else the main one.")
    languages: list[str] = Field(description="Every language the campaign page is written in.")
    main_language: str
    status: str = Field(description="live, paused or closed")
    phase: str = Field(description="What a visitor sees now: open, not_yet_open, paused or closed.")
    opens: datetime | None
    closes: datetime | None
    goal: int | None = Field(description="The organiser's goal, if any.")
    url: str = Field(description="The campaign page in `language`.")


class CountryCount(Schema):
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    name: str
    signers: int


class PartnerCount(Schema):
    code: str
    name: str
    signatures: int


class DayCount(Schema):
    day: date
    signatures: int | None = Field(description="null: fewer than `hidden_below`, not shown.")


class Counts(Schema):
    signatures: int = Field(description="Counted online signatures (each sent letters).")
    paper: int = Field(description="Signatures collected on paper.")
    total: int
    goal: int | None = Field(description="The goal now: the organiser's, or the next step once it is reached.")
    emails_sent: int = Field(description="Letters sent to the targets.")
    delivered: int = Field(description="Letters the targets' mail servers confirmed, where the provider reports it.")
    own_mail: int = Field(description="Letters signers sent from their own mailboxes (button presses).")
    by_country: list[CountryCount] = Field(description="Online and paper signers, most first.")
    other_countries: int = Field(description="Signers of countries not named (too few to show).")
    by_partner: list[PartnerCount] = Field(description="Online signatures through each partner's link, most first.")
    other_partners: int = Field(description="Online signatures through no partner listed.")
    by_day: list[DayCount] = Field(description="Online signatures on each of the last 30 days (UTC).")
    hidden_below: int | None = Field(
        description="Where signers may be at risk, groups with fewer signers than this are never shown."
    )


class RecentSigner(Schema):
    first_name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code, or empty.")
    country_name: str


class Target(Schema):
    name: str
    title: str
    email: str | None = Field(description="Only where the organiser publishes the targets' addresses.")
