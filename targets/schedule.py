"""Beat entries for targets: none. The alert rules run right after the nightly KPI run has
succeeded (targets/apps.py registers them with kpis.tasks.run_after_nightly), never on a
clock that assumes the KPI run finished."""


def beat(env) -> dict:
    return {}
