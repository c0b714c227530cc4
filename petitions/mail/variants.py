"""Which of a template's subject lines and letter texts a letter gets: evenly, per target.

A target that receives a thousand identical letters files them as one campaign (or as spam); with
variants each letter draws the combination this target has received least so far, so three subject
lines and three texts give nine combinations in turn. The choice is stored on the Delivery beside
the text (subject_variant, body_variant) and counted for the letter preview.
"""

from collections import Counter
from itertools import product

from django.db.models import Count

from campaigns.models import MessageTemplate
from petitions.models import Delivery


def variant_counts(*, campaign_id: int, target_id: int) -> Counter[tuple[int, int]]:
    """How many of the target's letters got each (subject, body) combination so far: counted by the
    database, so a target with a hundred thousand letters sends back a few rows, not all of them."""
    rows = (
        Delivery.objects.filter(campaign_id=campaign_id, target_id=target_id, subject_variant__isnull=False)
        .values_list("subject_variant", "body_variant")
        .annotate(letters=Count("pk"))
        .order_by()
    )
    return Counter({(subject, body): letters for subject, body, letters in rows})


def choose_variant(template: MessageTemplate, *, campaign_id: int, target_id: int) -> tuple[int, int]:
    """The (subject, body) indices for the target's next letter: its least-used combination, the
    first in reading order on a tie. A template without variants costs no query."""
    subjects, bodies = len(template.subject_variants()), len(template.body_variants())
    if subjects == bodies == 1:
        return 0, 0
    used = variant_counts(campaign_id=campaign_id, target_id=target_id)
    # Diagonal by diagonal, so that consecutive letters change both parts: (0,0), (1,1), (2,2), (1,0)...
    width = max(subjects, bodies)
    order = sorted(product(range(subjects), range(bodies)), key=lambda pair: ((pair[0] - pair[1]) % width, pair[0]))
    return min(order, key=lambda pair: used[pair])


def variant_figures(template: MessageTemplate, *, campaign_id: int, target_id: int) -> dict:
    """For the letter preview: each subject line and letter text with how many of the target's
    letters got it (a letter in the signer's own words counts in neither)."""
    used = variant_counts(campaign_id=campaign_id, target_id=target_id)
    by_subject, by_body = Counter(), Counter()
    for (subject, body), count in used.items():
        by_subject[subject] += count
        by_body[body] += count
    return {
        "subjects": [(text, by_subject[number]) for number, text in enumerate(template.subject_variants())],
        "bodies": [(text, by_body[number]) for number, text in enumerate(template.body_variants())],
        "combinations": len(template.subject_variants()) * len(template.body_variants()),
    }
