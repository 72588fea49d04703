"""The held-out split 8a of the diagnose corpus: its shape only, never its accuracy.

The split was written by someone who neither tuned nor read the reader and is measured
separately, so this test must not run `diagnose` on it."""

from __future__ import annotations

from tests.corpus_shape import (
    CORPUS,
    assert_complete_lines,
    assert_large_and_varied,
    assert_new_libraries,
    assert_one_version_per_library,
    rows,
)

HELD_OUT_8A = CORPUS / "held-out-8a.jsonl"
# Every other corpus file, whatever its name (files are renamed when a split joins dev).
EARLIER = tuple(p for p in sorted(CORPUS.glob("*.jsonl")) if p.name != "held-out-8a.jsonl")

# Other names the split's libraries go by (packages, repositories, former names): none of
# them may be a library of an earlier split either.
ALIASES = {
    "go-kratos/kratos (middleware/auth/jwt)": ("kratos", "go-kratos"),
    "go-zero (rest auth handler)": ("zeromicro/go-zero", "tal-tech/go-zero"),
    "hertz-contrib/jwt": ("hertz jwt",),
    "Centrifugo": ("centrifugal/centrifugo",),
    "Mercure": ("dunglas/mercure", "mercure hub"),
    "CockroachDB (JWT authentication)": ("cockroachdb/cockroach", "jwtauthccl"),
    "iegomez/mosquitto-go-auth (JWT backend)": ("mosquitto-go-auth",),
    "Couchbase Sync Gateway (OIDC/JWT)": ("couchbase/sync_gateway", "Sync Gateway"),
    "InfluxDB (jsonweb token parser)": ("influxdata/influxdb", "influxdb jsonweb"),
    "Cerbos (auxData JWT)": ("cerbos/cerbos",),
    "Harbor (OIDC ID token)": ("goharbor/harbor",),
    "Pinniped (JWTAuthenticator)": ("vmware-tanzu/pinniped", "Pinniped Concierge"),
    "Dapr (bearer middleware)": ("dapr/components-contrib", "middleware.http.bearer"),
    "Apache CouchDB (JWT authentication)": ("CouchDB", "jwtf"),
    "EMQX (JWT authentication)": ("emqx/emqx", "emqx_auth_jwt"),
    "Supabase Realtime": ("supabase/realtime", "realtime"),
    "Ceph RGW (STS web identity)": ("ceph/ceph", "radosgw"),
    "actix-web-httpauth": ("actix/actix-extras",),
    "salvo-jwt-auth": ("salvo_jwt_auth", "salvo-rs/salvo"),
    "Loco (JWT auth extractor)": ("loco-rs", "loco-rs/loco"),
    "poem-openapi (Bearer auth)": ("poem-openapi", "poem-web/poem"),
}


def test_every_line_is_a_complete_held_out_message():
    assert_complete_lines(HELD_OUT_8A, "held-out")


def test_split_is_large_and_varied():
    # The brief's library list spans five languages (Go, Erlang, Elixir, C++, Rust).
    assert_large_and_varied(HELD_OUT_8A, lines=250, libraries=20, languages=5)


def test_no_library_of_an_earlier_split_reappears():
    assert EARLIER
    assert_new_libraries(HELD_OUT_8A, EARLIER, ALIASES)


def test_every_library_has_its_aliases_listed():
    assert {row["library"] for row in rows(HELD_OUT_8A)} == set(ALIASES)


def test_each_library_keeps_one_version_language_and_source():
    assert_one_version_per_library(HELD_OUT_8A)
