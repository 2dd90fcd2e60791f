"""Creates the edition's own module from the module template shipped beside this one."""

import sys
from pathlib import Path

from cookiecutter.main import cookiecutter

template = Path("{{ cookiecutter._repo_dir }}").parent / "module"
if not (template / "cookiecutter.json").is_file():
    sys.exit(f"the module template is missing: {template}")
cookiecutter(
    str(template),
    no_input=True,
    output_dir="modules",
    extra_context={
        "module_name": "{{ cookiecutter.module_name }}",
        "distribution": "{{ cookiecutter.company }}-{{ cookiecutter.module_name }}",
        "package": "{{ cookiecutter.company }}_{{ cookiecutter.module_name }}".replace("-", "_"),
        "namespace": "{{ cookiecutter.company }}/{{ cookiecutter.module_name }}",
        "core_requirement": "{{ cookiecutter.core_version }}",
    },
)
