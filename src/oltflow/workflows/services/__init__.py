"""Workflow services: apply templates to OLTs and keep the scheduler's rows in step.

Every function here changes data in one transaction and raises ``WorkflowError`` (a
``ValueError``) with a message naming the objects at fault. The admin, API and commands call
these functions and hold no logic of their own.
"""

from oltflow.workflows.errors import WorkflowError
from oltflow.workflows.services.apply import (
    apply_template,
    delete_template,
    delete_template_node,
    save_template_node,
    sync_template,
    sync_template_node,
    unapply_template,
)
from oltflow.workflows.services.propagate import (
    check_node,
    check_oid,
    check_olt,
    save_workflow_node,
    set_enabled,
    sync_oid,
    sync_olt,
    sync_task_template,
    sync_workflow,
)
from oltflow.workflows.services.report import (
    ApplyReport,
    OltApplyReport,
    RemoveReport,
    SkippedNode,
)

__all__ = [
    "ApplyReport",
    "OltApplyReport",
    "RemoveReport",
    "SkippedNode",
    "WorkflowError",
    "apply_template",
    "check_node",
    "check_oid",
    "check_olt",
    "delete_template",
    "delete_template_node",
    "save_template_node",
    "save_workflow_node",
    "set_enabled",
    "sync_oid",
    "sync_olt",
    "sync_task_template",
    "sync_template",
    "sync_template_node",
    "sync_workflow",
    "unapply_template",
]
