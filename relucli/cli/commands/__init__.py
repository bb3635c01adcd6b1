"""Every command, one module each. The group (relucli.cli) imports a command's module only
when that command runs or its help is shown, so start-up costs only what the command needs.

Adding a command: a module here and one row below ("module:attribute" of the click command).
"""

COMMANDS: dict[str, str] = {
    "bench": "bench:bench",
    "completion": "completion:completion_cmd",
    "depth": "depth:depth",
    "dying": "dying:dying",
    "eval": "eval:eval_cmd",
    "frameworks": "frameworks:frameworks_cmd",
    "grad": "grad:grad_cmd",
    "info": "info:info_cmd",
    "inspect": "inspect:inspect_cmd",
    "list": "list:list_cmd",
    "plot": "plot:plot",
    "props": "props:props_cmd",
    "table": "table:table_cmd",
}
