#!/usr/bin/env python3
"""Synapse's own reading of a homeserver config, as one JSON object on stdout.

Runs INSIDE the Synapse sandbox chroot (scripts/synapse-sandbox.sh oracle copies the config
there and runs this with the chroot's python3 and Synapse 1.160):

    python3 synapse-oracle.py CONFIG_PATH [CONFIG_PATH...]
    python3 synapse-oracle.py --batch CASES    (many such lists: NUL-separated paths, an empty path
                                                ending each list; one JSON line per list, in order)

The paths are Synapse's -c arguments in order: files, or conf.d directories whose *.yaml files
are read in sorted order, shallowly merged.

Synapse's loader (HomeServerConfig.load_config) runs the full start-up checks and imports what a
config names, so a temporary copy is prepared first; nothing of it changes an option the
privacy rules read:
  - dropped: sections that import modules or need optional dependencies or local files
    (modules, password_providers, oidc_providers, redis, log_config, custom template dirs...),
  - prepared: a fresh signing key, every secret file a
    `*_path` option names (random content), temporary media/upload directories.
A refusal to load is a result ("loaded": false with Synapse's error), not a failure.

Output:
  {"loaded": bool, "error": "Class: message" (only when refused), "dropped": [...],
   "prepared": [...], "files": [...], "messages": [...], "warnings": [...],
   "raw": <the merged dict as PyYAML read it, or null>, "effective": {...} or null,
   "missing": [...] (only if an attribute is absent), "where": "file:line in fn" (when refused),
   "sso": {"oidc": [{"idp_id", "enable_registration"}], "cas": {"enabled", "enable_registration"}}}
`effective` uses homeserver.yaml's dotted option names; durations are milliseconds, None is null.
"""

import contextlib
import copy
import io
import json
import logging
import math
import os
import secrets
import sys
import tempfile
import traceback

import yaml

# Top-level sections whose loading imports modules, needs an optional dependency the package
# does not ship (authlib, saml2, txredisapi, jaeger, sentry_sdk...) or reads local files that only
# exist on the real server.
DROPPED_SECTIONS = [
    "modules",
    "password_providers",
    "media_storage_providers",
    "redis",
    "opentracing",
    "saml2_config",
    "oidc_providers",
    "oidc_config",
    "cas_config",
    "jwt_config",
    "sentry",
    "log_config",
    "spam_checker",              # legacy module option
    "third_party_event_rules",   # legacy module option
    "federation_custom_ca_list",  # PEM files read at load
]
# Nested options of the same kind: (section, option).
DROPPED_OPTIONS = [
    ("presence", "presence_router"),         # imports a module
    ("oembed", "additional_providers"),      # JSON files read at load
    ("email", "template_dir"),               # custom templates: Synapse's own are used instead
    ("account_validity", "template_dir"),
    ("templates", "custom_template_directory"),
    ("manhole_settings", "ssh_priv_key_path"),
    ("manhole_settings", "ssh_pub_key_path"),
]
# Options naming a file with a secret that the loader reads.
SECRET_FILE_OPTIONS = [
    ("macaroon_secret_key_path",),
    ("form_secret_path",),
    ("registration_shared_secret_path",),
    ("turn_shared_secret_path",),
    ("recaptcha_private_key_path",),
    ("recaptcha_public_key_path",),
    ("worker_replication_secret_path",),
    ("matrix_authentication_service", "secret_path"),
    ("experimental_features", "msc3861", "client_secret_path"),
    ("experimental_features", "msc3861", "admin_token_path"),
]
SIGNING_KEY_OPTIONS = [("signing_key_path",), ("key_server_signing_keys_path",)]
DIRECTORY_OPTIONS = [("media_store_path",), ("uploads_path",), ("user_consent", "template_dir")]


def room_type_encryption(cfg):
    presets = cfg.room.encryption_enabled_by_default_for_room_presets
    # RoomCreationPreset values: private_chat, trusted_private_chat, public_chat
    if "public_chat" in presets:
        return "all"
    if presets:
        return "invite"
    return "off"


def whitelist(cfg):
    domains = cfg.federation.federation_domain_whitelist
    return None if domains is None else list(domains)


def publication_rules(cfg):
    return [{"action": rule.action} for rule in cfg.roomdirectory._room_list_publication_rules]


# Effective values, by homeserver.yaml's dotted names. Every attribute below was checked
# against synapse/config/*.py of Synapse 1.160 (Debian sid's matrix-synapse 1.160.0-1); Synapse
# stores durations already parsed, in milliseconds. All the options asked for were found; an
# attribute a future Synapse lacks is left out of "effective" and named in "missing".
# Not included: experimental_features.msc3861 (removed in 1.160, Synapse refuses it).
EFFECTIVE = {
    "server_name": lambda c: c.server.server_name,
    "report_stats": lambda c: c.metrics.report_stats,
    "encryption_enabled_by_default_for_room_type": room_type_encryption,
    "retention.enabled": lambda c: c.retention.retention_enabled,
    "retention.default_policy.min_lifetime": lambda c: c.retention.retention_default_min_lifetime,
    "retention.default_policy.max_lifetime": lambda c: c.retention.retention_default_max_lifetime,
    "retention.allowed_lifetime_min": lambda c: c.retention.retention_allowed_lifetime_min,
    "retention.allowed_lifetime_max": lambda c: c.retention.retention_allowed_lifetime_max,
    "redaction_retention_period": lambda c: c.server.redaction_retention_period,
    "user_ips_max_age": lambda c: c.server.user_ips_max_age,
    "forgotten_room_retention_period": lambda c: c.server.forgotten_room_retention_period,
    "forget_rooms_on_leave": lambda c: c.room.forget_on_leave,
    "media_retention.local_media_lifetime": lambda c: c.media.media_retention_local_media_lifetime_ms,
    "media_retention.remote_media_lifetime": lambda c: c.media.media_retention_remote_media_lifetime_ms,
    "default_identity_server": lambda c: c.registration.default_identity_server,
    "enable_3pid_lookup": lambda c: c.registration.enable_3pid_lookup,
    "account_threepid_delegates.msisdn": lambda c: c.registration.account_threepid_delegate_msisdn,
    "registrations_require_3pid": lambda c: c.registration.registrations_require_3pid,
    "disable_msisdn_registration": lambda c: c.registration.disable_msisdn_registration,
    "enable_registration": lambda c: c.registration.enable_registration,
    "enable_registration_without_verification":
        lambda c: c.registration.enable_registration_without_verification,
    "registration_requires_token": lambda c: c.registration.registration_requires_token,
    "allow_guest_access": lambda c: c.registration.allow_guest_access,
    "federation_domain_whitelist": whitelist,
    "allow_public_rooms_over_federation": lambda c: c.server.allow_public_rooms_over_federation,
    "allow_public_rooms_without_auth": lambda c: c.server.allow_public_rooms_without_auth,
    "limit_remote_rooms.enabled": lambda c: c.server.limit_remote_rooms.enabled,
    "limit_remote_rooms.complexity": lambda c: c.server.limit_remote_rooms.complexity,
    "trusted_key_servers[].server_name": lambda c: [k.server_name for k in c.key.key_servers],
    "presence.enabled": lambda c: c.server.presence_enabled,
    "allow_profile_lookup_over_federation": lambda c: c.federation.allow_profile_lookup_over_federation,
    "limit_profile_requests_to_users_who_share_rooms":
        lambda c: c.server.limit_profile_requests_to_users_who_share_rooms,
    "require_auth_for_profile_requests": lambda c: c.server.require_auth_for_profile_requests,
    "include_profile_data_on_invite": lambda c: c.server.include_profile_data_on_invite,
    "user_directory.enabled": lambda c: c.userdirectory.user_directory_search_enabled,
    "user_directory.search_all_users": lambda c: c.userdirectory.user_directory_search_all_users,
    "push.include_content": lambda c: c.push.push_include_content,
    "enable_registration_captcha": lambda c: c.captcha.enable_registration_captcha,
    "recaptcha_siteverify_api": lambda c: c.captcha.recaptcha_siteverify_api,
    "url_preview_enabled": lambda c: c.media.url_preview_enabled,
    "email.enable_notifs": lambda c: c.email.email_enable_notifs,
    "admin_contact": lambda c: c.server.admin_contact,
    "app_service_config_files": lambda c: c.appservice.app_service_config_files,
    "matrix_authentication_service.enabled": lambda c: c.mas.enabled,
    "turn_allow_guests": lambda c: c.voip.turn_allow_guests,
    "enable_set_displayname": lambda c: c.registration.enable_set_displayname,
    "allow_per_room_profiles": lambda c: c.server.allow_per_room_profiles,
    # Synapse keeps the rules, not whether the option was written: an absent option and an
    # empty list both mean "nobody may publish"; "present" is read from the raw config.
    "room_list_publication_rules": publication_rules,
    "room_list_publication_rules.any_user_may_publish": lambda c: c.roomdirectory.is_publishing_room_allowed(
        "@someone:example.org", "!room:example.org", []
    ),
}


def describe_error(error):
    from synapse.config._base import ConfigError, format_config_error

    if isinstance(error, ConfigError):
        return "ConfigError: " + "".join(format_config_error(error))
    text = f"{type(error).__name__}: {error}"
    cause = error.__cause__
    while cause is not None:
        text += f" (caused by {type(cause).__name__}: {cause})"
        cause = cause.__cause__
    return text


def jsonable(value):
    """The value as JSON can hold it (like json.dumps(default=str), but total)."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def raised_where(error):
    """Where the refusal was raised: "synapse/config/registration.py:123 in read_config"."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return None
    frame = frames[-1]
    marker = "dist-packages" + os.sep
    name = frame.filename.split(marker, 1)[-1] if marker in frame.filename else os.path.basename(frame.filename)
    return f"{name}:{frame.lineno} in {frame.name}"


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(f"{record.levelname} {record.name}: {record.getMessage()}")


def read_raw(config_files, names, messages):
    """Synapse's read_config_files, without its server_name/report_stats checks (they are the
    loader's to report)."""
    raw = {}
    for config_file, name in zip(config_files, names):
        with open(config_file) as stream:
            document = yaml.safe_load(stream)
        if not isinstance(document, dict):
            messages.append(f"{name}: empty or not a key-value map; Synapse ignores it")
            continue
        raw.update(document)
    return raw


def get_path(config, path):
    node = config
    for part in path[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict) and path[-1] in node:
        return node
    return None


def prepare(raw, work_dir):
    """A copy of raw that the loader can read on this machine, and what was changed."""
    from signedjson.key import generate_signing_key, write_signing_keys

    config = copy.deepcopy(raw)
    dropped, prepared = [], []
    for section in DROPPED_SECTIONS:
        if section in config:
            del config[section]
            dropped.append(section)
    for path in DROPPED_OPTIONS:
        parent = get_path(config, path)
        if parent is not None:
            del parent[path[-1]]
            dropped.append(".".join(path))
    caches = config.get("caches")
    if isinstance(caches, dict) and caches.get("track_memory_usage"):
        del caches["track_memory_usage"]  # needs pympler, not shipped
        dropped.append("caches.track_memory_usage")

    def temp_file(name, content):
        path = os.path.join(work_dir, "files", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(content)
        return path

    def signing_key_file(name):
        path = os.path.join(work_dir, "files", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            write_signing_keys(f, [generate_signing_key("a_mxlint")])
        return path

    if "signing_key" not in config:
        config["signing_key_path"] = signing_key_file("signing.key")
        prepared.append("signing_key_path: a fresh temporary signing key")
    for path in SIGNING_KEY_OPTIONS[1:]:
        parent = get_path(config, path)
        if parent is not None and isinstance(parent[path[-1]], str):
            parent[path[-1]] = signing_key_file(".".join(path))
            prepared.append(f"{'.'.join(path)}: a fresh temporary signing key")
    for path in SECRET_FILE_OPTIONS:
        parent = get_path(config, path)
        if parent is not None and isinstance(parent[path[-1]], str):
            parent[path[-1]] = temp_file(".".join(path), secrets.token_urlsafe(32) + "\n")
            prepared.append(f"{'.'.join(path)}: a temporary file with a random secret")
    for path in DIRECTORY_OPTIONS:
        parent = get_path(config, path)
        if parent is not None and isinstance(parent[path[-1]], str):
            directory = os.path.join(work_dir, "dirs", ".".join(path))
            os.makedirs(directory, exist_ok=True)
            parent[path[-1]] = directory
            prepared.append(f"{'.'.join(path)}: an empty temporary directory")
    return config, dropped, prepared


def load(config, work_dir):
    from synapse.config.homeserver import HomeServerConfig

    prepared_file = os.path.join(work_dir, "prepared", "homeserver.yaml")
    os.makedirs(os.path.dirname(prepared_file), exist_ok=True)
    with open(prepared_file, "w") as f:
        yaml.safe_dump(config, f)
    data_dir = os.path.join(work_dir, "data")  # relative paths (media_store...) land here
    os.makedirs(data_dir, exist_ok=True)
    os.chdir(data_dir)
    return HomeServerConfig.load_config("mxlint-oracle", ["-c", prepared_file])


def effective_values(cfg, missing):
    values = {}
    for key, read in EFFECTIVE.items():
        try:
            values[key] = jsonable(read(cfg))
        except AttributeError as error:  # an attribute this Synapse does not have: say so
            missing.append(f"{key}: {error}")
    return values


def sso_registration(raw):
    """Which single sign-on providers create accounts, read by Synapse's own parsers of the sections
    the loader has to drop (authlib and pysaml2 are not installed). OIDC providers are parsed with a
    stand-in user mapping provider (the default one imports authlib); the mapping provider decides
    nothing about registration. CAS is read by CasConfig itself. JWT and SAML are not read: their
    readers demand the missing libraries."""
    import types
    from synapse.config import oidc
    from synapse.config.cas import CasConfig

    class MappingProvider:
        @staticmethod
        def parse_config(config):
            return config

        def get_remote_user_id(self, userinfo):
            return None

        def map_user_attributes(self, userinfo, token, failures):
            return {}

    stub = types.ModuleType("mxlint_oracle_stub")
    stub.MappingProvider = MappingProvider
    sys.modules["mxlint_oracle_stub"] = stub
    raw = raw if isinstance(raw, dict) else {}
    sections = {key: copy.deepcopy(raw[key]) for key in ("oidc_providers", "oidc_config") if key in raw}
    providers = list(sections.get("oidc_providers") or [])
    if isinstance(sections.get("oidc_config"), dict):
        providers.append(sections["oidc_config"])
    for provider in providers:
        if isinstance(provider, dict):
            provider["user_mapping_provider"] = {"module": "mxlint_oracle_stub.MappingProvider", "config": {}}
    result = {}
    try:
        result["oidc"] = [{"idp_id": p.idp_id, "enable_registration": p.enable_registration}
                          for p in oidc._parse_oidc_provider_configs(sections)]
    except Exception as error:
        result["oidc_error"] = describe_error(error)
    try:
        cas = CasConfig(types.SimpleNamespace(server=types.SimpleNamespace(public_baseurl="https://oracle.invalid/")))
        cas.read_config({"cas_config": copy.deepcopy(raw.get("cas_config"))})
        result["cas"] = {"enabled": bool(cas.cas_enabled), "enable_registration": cas.cas_enable_registration}
    except Exception as error:
        result["cas_error"] = describe_error(error)
    return result


def read_config(argv):
    """Synapse's reading of one -c list, as the JSON-able dict described above."""
    from synapse.config._base import find_config_files

    result = {"loaded": False, "dropped": [], "prepared": [], "files": [], "messages": [],
              "warnings": [], "raw": None, "effective": None}
    missing = []
    recorder = Recorder()
    logging.getLogger().addHandler(recorder)
    logging.getLogger().setLevel(logging.WARNING)
    printed = io.StringIO()  # Synapse print()s some notices; stdout is ours alone
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="mxlint-oracle-") as work_dir, contextlib.redirect_stdout(printed):
        try:
            config_files = find_config_files(argv)
            for arg in argv:  # names relative to where each -c path is, as the user wrote them
                parent = os.path.dirname(os.path.abspath(arg))
                result["files"] += [os.path.relpath(f, parent) for f in find_config_files([arg])]
            if not config_files:
                # What load_config_with_parser says (through argparse, which exits 2).
                raise SystemExit("Must supply a config file.")
            result["raw"] = read_raw(config_files, result["files"], result["messages"])
            result["sso"] = sso_registration(result["raw"])
            config, result["dropped"], result["prepared"] = prepare(result["raw"], work_dir)
            cfg = load(config, work_dir)
            result["loaded"] = True
            result["effective"] = effective_values(cfg, missing)
        except (Exception, SystemExit) as error:  # a refusal is a result
            result["error"] = describe_error(error)
            result["where"] = raised_where(error)
        finally:
            os.chdir(cwd)  # load() moved into the temporary directory, about to go
            logging.getLogger().removeHandler(recorder)
    result["messages"] += [line for line in printed.getvalue().splitlines() if line.strip()]
    result["warnings"] = recorder.records

    # Say file names as the user gave them, not as copied into a temporary directory.
    def unplace(text):
        for arg in argv:
            text = text.replace(os.path.dirname(os.path.abspath(arg)) + os.sep, "")
        return text

    for key in ("messages", "warnings"):
        if key in result:
            result[key] = [unplace(line) for line in result[key]]
    if "error" in result:
        result["error"] = unplace(result["error"])
    if result["raw"] is not None:
        result["raw"] = jsonable(result["raw"])
    ordered = {key: result[key] for key in
               ("loaded", "error", "dropped", "prepared", "files", "messages", "warnings", "raw", "effective", "sso")
               if key in result}
    if missing:
        ordered["missing"] = missing
    if "error" in result:
        ordered["where"] = result["where"]
    return ordered


def main(argv):
    if not argv or argv == ["--batch"]:
        print("usage: synapse-oracle.py CONFIG_PATH [CONFIG_PATH...]\n"
              "       synapse-oracle.py --batch CASES  (-c lists, NUL-separated paths, an empty one ending each list;\n"
              "                                         one JSON line each)", file=sys.stderr)
        return 2
    if argv[0] == "--batch":
        # Many configs in one process: Synapse's import (most of a run's second) is paid once.
        with open(argv[1], "rb") as f:
            paths = [os.fsdecode(path) for path in f.read().split(b"\0")]
        cases, case = [], []
        for path in paths:
            if path:
                case.append(path)
            elif case:
                cases.append(case)
                case = []
        for case in cases:
            json.dump(read_config(case), sys.stdout)
            sys.stdout.write("\n")
            sys.stdout.flush()
        return 0
    json.dump(read_config(argv), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
