import pytest


@pytest.fixture
def opt_in_campaign(campaign):
    """A campaign whose signers may be at risk: signatures wait for their owner's confirmation."""
    campaign.signers_at_risk = True
    campaign.save()
    return campaign
