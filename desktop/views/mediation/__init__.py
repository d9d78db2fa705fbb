"""矛盾纠纷调解室 in the window: the case list and the case editor."""
