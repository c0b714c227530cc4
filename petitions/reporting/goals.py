"""Goals that move on when they are reached, as organisers expect of a petition.

The steps run 10, 25, 50, 100, 250, 500, 1,000, 2,500, ... Once counted signatures reach the goal
an organiser set, the page says so and shows the next step above the count as the new goal, so it
never shows "110 of 100" and always has progress to show. This is worked out from the two numbers
on every read, with no write: it is exact at once, cannot race, and the organiser's own goal stays
as they set it in admin (raising it there by hand works as before).
"""

STEP_FACTORS = (10, 25, 50)


def next_goal(signatures: int) -> int:
    """The smallest step strictly above `signatures`."""
    scale = 1
    while True:
        for factor in STEP_FACTORS:
            if factor * scale > signatures:
                return factor * scale
        scale *= 10


def current_goal(goal: int | None, signatures: int) -> int | None:
    """The goal to show: the organiser's until it is reached, then the next step above the count."""
    if not goal:
        return None
    return goal if signatures < goal else next_goal(signatures)
