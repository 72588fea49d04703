"""Layer 3: a general reader for messages no catalogue entry or family name knows.

It reads what the message talks about (claim names, phrases such as "expired", "not yet
valid", "no matching key", "malformed") and returns one step with the words that decided
it, candidate steps when the words disagree or are too vague ("invalid token", "401"), or
nothing when the text is not about token validation at all (CSRF, session cookies, rate
limits, mTLS). Precision over coverage: one step only when every decisive phrase agrees.

Wrapped messages ("outer: inner: innermost", Go's error chains, Spring's "An error
occurred while attempting to decode the Jwt: ...") are read from the innermost part
outwards: the most specific words win.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from driftcheck.diagnose.gated import Gated

# The validator's order (SPEC): a disagreement lists candidates in this order.
ORDER = ("fetch", "discovery", "jwks", "parse", "algorithm", "key", "signature", "time", "issuer",
         "audience", "claims", "token-type")
VAGUE_CANDIDATES = ("parse", "key", "signature", "time", "issuer", "audience")

_CLAIM_WORDS: dict[str, str] = {
    "exp": "exp", "expiration time": "exp", "expiration": "exp", "expires": "exp",
    "nbf": "nbf", "not before": "nbf", "notbefore": "nbf",
    "iat": "iat", "issued at": "iat", "issued time": "iat", "issue time": "iat",
    "iss": "iss", "issuer": "iss", "issuers": "iss",
    "aud": "aud", "audience": "aud", "audiences": "aud", "client id": "client_id",
    "kid": "kid", "key id": "kid", "key identifier": "kid", "jwk id": "kid",
    "alg": "alg", "algorithm": "alg", "algorithms": "alg", "algo": "alg",
    "typ": "typ", "token type": "typ", "token use": "typ",
    "sub": "sub", "subject": "sub", "azp": "azp", "authorized party": "azp", "scp": "scope",
    "scope": "scope",
    "scopes": "scope", "cnf": "cnf", "jti": "jti", "jwt id": "jti", "token id": "jti",
    "nonce": "nonce", "at hash": "at_hash", "access token hash": "at_hash",
    "unique identifier": "jti",
    "auth time": "auth_time", "jwtid": "jti", "acr": "acr", "amr": "amr",
    # (not a bare "tid": a log's thread id, "pid 2143:tid 1398…")
    "tid claim": "tid", "tenant id": "tid", "c hash": "at_hash", "sid": "sid",
}
_CLAIM = Gated(
    r"(?<![\w-])[\"'`(\[]?(" + "|".join(sorted((re.escape(w) for w in _CLAIM_WORDS),
                                                key=len, reverse=True))
    + r")[\"'`)\]]?(?![\w-])(?!\)\w)")
# Which step a claim belongs to, when a message says it is wrong / when it says it is missing.
_CLAIM_STEP: dict[str, tuple[str, str]] = {
    "exp": ("time", "DC306"), "nbf": ("time", "DC307"), "iat": ("time", "DC307"),
    "iss": ("issuer", "DC309"), "aud": ("audience", "DC310"), "kid": ("key", "DC304"),
    "alg": ("algorithm", "DC303"), "typ": ("token-type", "DC312"),
}
_MISSING_STEP: dict[str, tuple[str, str]] = {
    "exp": ("time", "DC314"), "nbf": ("time", "DC314"), "iat": ("time", "DC314"),
    "iss": ("issuer", "DC309"), "aud": ("audience", "DC310"), "kid": ("key", "DC304"),
    "alg": ("algorithm", "DC303"), "typ": ("token-type", "DC312"),
}
_MISSING = Gated(
    r"\bmissing\b|\bis required\b|\brequired claim|\bnot present\b|\bmandatory\b|"
    r"\bhas no\b|\bdoes not have\b|\bdoesn't have\b|\bwithout\b|\blacks?\b|"
    r"\bno\s+['\"`]?\w+(?:\s+\w+)?['\"`]?(?:\s+\(\w+\))?\s+(?:claim|header|parameter|field|value|"
    r"in)\b|"
    # ("no 'kid' specified", "no aud given")
    r"\bno\s+['\"`]\w+['\"`]\s+(?:specified|given|provided|present|supplied|set|found)\b|"
    r"\bno(?: \w+){1,3} (?:was|were) (?:provided|given|supplied|specified)\b|"
    r"\bempty(?= [\"'`]?(?:alg|algorithm|kid|key id|iss|issuer|aud|audience|typ|exp|sub)\b)|"
    r"\bkey ?error\b|\bno (?!(?:\w+ )?(?:components?|keys?|jwks?)\b)\w+(?: \w+)? found in\b|"
    r"\b(?:was|were) not provided\b|"
    r"\b(?:is|was) empty\b|\ban empty\b|\brequire[sd]?\b|"
    r"\b(?:cannot|can'?t|must not) be (?:null|empty|blank)\b|\bis null\b|\bnot defined\b|"
    r"\bnot specified\b|\bneither\b.{0,40}\bnor\b|\bno \w+ set\b|\b(?:is )?not set\b|"
    r"\bno value for\b|\bcan not be (?:null|empty|blank)\b|\bnot included\b|\bnot provided\b|"
    r"\b(?:does not|doesn't|did not) specify\b|"
    r"\bmust (?:contain|include|have)\b|\b(?:does not|doesn't) contain\b|\b(?:is|are) needed\b|"
    r"\bneeds? to (?:contain|include|have)\b")
_SOME_CLAIM = Gated(r"\bclaims?\b|\bclaim\(s\)")
_IN_TOKEN = Gated(r"\b(?:in|from|by) (?:the )?(?:received |decoded |provided )?(?:jwt|"
                  r"token)(?: payload)?"
                  r"(?=\s*(?:[.,;:)!]|$))|\b(?:in|from) (?:the )?(?:jwt |token |[\w-]+ )?payload\b|"
                  r"\b(?:jwt|token) payload (?:does not|doesn't) contain\b|"
                  r"\b(?:token|jwt) is missing (?:an? |the )?\w+ field\b")
_NEGATIVE = Gated(
    r"\binvalid\b|\bnot valid\b|\bnot allowed\b|\bnot satisfied\b|\bmismatch|"
    r"\b(?:does|did|do|doesn't|didn't|don't)(?: not)? (?:match|contain|include)|\brejected\b|"
    r"\bunexpected\b|\bfail|\binvalidat|\bnot granted\b|\bwrong\b|\bbad\b|\bincorrect\b|"
    r"\bnot configured\b|"
    r"\bnot accepted\b|\bnot available\b|\bdifferent\b|\bmust be\b|\bexpected\b|"
    r"\breturned failure\b|\bnot in\b|\b(?:cannot|could not|unable to|failed to) parse\b|"
    r"\bnot (?:issued|allowed|trusted|supported)\b|"
    r"\bno credentials\b|\bnot (?:be )?found\b|\bunknown\b|\bunsupported\b|"
    r"\buntrusted\b|\bnot (?:intended|meant) for\b|\bis not [\"'`]|\b(?:does|did) not correspond\b|"
    r"\bdoesn't correspond\b|\b(?:does not|doesn't) exist\b|\bnot met\b|"
    r"\bmust (?:exactly )?match\b|\b(?:longer|shorter) than\b|\bdiffers?\b|"
    # a claim of the wrong type ("aud claim is not an array of strings")
    r"\bnot an? (?:array|list|string|number|integer|object|boolean|numeric)\b|"
    # more ways validators say a value is wrong
    r"\bnot (?:listed|trusted|recogni[sz]ed|permitted|defined|specified)\b|\bno such\b|"
    r"\bnot an? (?:valid|supported|allowed|known|recogni[sz]ed|trusted)\b|"
    r"\b(?:greater|less|later|earlier|larger|smaller) than\b|\bmaximum of\b|\bexceed|\btoo (?:long|"
    r"short|large|big)\b|"
    r"\breserved\b|\bduplicate|\bdisagree|\bconflict|\bviolat|\billegal\b|\bprohibited\b|"
    r"\s!=\s|\binstead of\b|\bmore than\b.{0,30}\b(?:minutes?|seconds?|hours?|days?)\b|"
    r"\bnone of\b.{0,60}\bmatch|\bnot known\b|\bnot within\b|\bexpect(?:ing|ed) claim\b|"
    r"\bcan not be (?:accepted|used|verified|validated)\b|\bnot (?:one of|among)\b|"
    r"\bout of range\b|\bmessed with\b|\bnot acceptable\b|\bnot matching\b|\bmust not\b|"
    r"\bmultiple instances of\b|\bnon-(?:string|numeric|integer|number)\b|"
    r"\b(?:could not|cannot|can'?t) be (?:verified|validated|parsed|decoded|obtained|resolved|"
    r"trusted|accepted|used)\b|"
    # ("could not validate claim \"exp\"")
    r"\b(?:could not|couldn'?t|unable to) validate claim\b")

_TIME_EXPIRED = Gated(
    r"\bexp\b[^.;]{0,20}\bin the past\b|\bcause\W{1,3}exp\b|"
    r"\bexpired\b(?!\W{1,3}(?:false|no)\b)|\bhas expired\b|"
    r"\bis expired\b|(?<!cache )\bexpir(?:y|ation)\b|\btoo old\b|"
    r"\bmax(?:imum)?[ -]?age\b|\balready expire[sd]?\b|"
    r"\btoo much time has (?:passed|elapsed)\b|\bolder than\b|\btoo far in the past\b|\btoo late\b|"
    r"\btoo long ago\b|\bbest before\b|\bto old\b(?! (?:keys?|values?|versions?|config\w*|"
    r"settings?|tokens?)\b)|"
    r"\bnot (?:to be used|valid|usable) after\b|\bout of (?:its |the )?(?:life ?time|validity)\b")
# A bare "not valid" (DRF simplejwt's `token_not_valid`) says nothing about time: only "not
# yet valid", "not valid before/until/yet" and "not active" do.
_TIME_EARLY = Gated(
    r"\bnot (?:yet )?active(?: yet)?\b|\bnot yet valid\b|\bnot valid (?:yet|before|untill?)\b|"
    # Erlang atoms and Clojure keywords ("{error,not_issued_in_past}", ":cause :nbf"); a
    # not-before time set against now
    r"\bnot issued in (?:the )?past\b|\bcause\W{1,3}(?:nbf|iat)\b|"
    r"\bnot[- ]before time is\b.{0,60}\btime is now\b|"
    r"\b(?:only )?(?:be )?valid (?:only )?after\b|\btoo (?:new|soon|early)\b|"
    r"\b(?:in the |at |from the )future\b|\bnot yet (?:valid|active|usable|effective|"
    r"mature|acceptable|accepted|ready|issued|available)\b|\bused before\b|"
    r"\bcan'?t be used before\b|\b(?:cannot|can'?t|must not|may not) be used prior to\b|"
    r"\bprior to (?:the )?(?:nbf|not before)\b|\bcan ?not be used yet\b|\bwill be active\b|"
    r"\b(?:used|presented|arrived) early\b|"
    r"\bpremature(?! end of)|\bimmature|\bin the future\b|\bvalid from\b|\bnot valid until\b|"
    r"\bclock (?:drift|skew)\b|\bwill (?:only )?be valid (?:in|after|from)\b|\bfor the future\b|"
    r"\bnot (?:\w+ )?in the past\b|\b(?:token|jwt) is before\b|\bbefore use time\b|"
    r"\bprior to \d{4}-\d\d-\d\d|\bin future\b|\bnot (?:be )?accepted yet\b|"
    r"\bcan ?not be (?:accepted|used|validated) yet\b|"
    r"\bbefore the (?:nbf|not before)\b")
_TIME_OTHER = Gated(r"\blife ?time\b|\btime ?frame\b|\btime window\b|\bshort-lived\b|"
                    r"\bmust expire (?:in|within)\b|\b(?:token )?ttl\b|"
                    r"\bdates? (?:is |are )?(?:not valid|invalid)\b|\bvalid time range\b")

# A JSON decoder's own failure ("missing field `alg` at line 1 column 15", "error
# deserializing JWT header"): the token's JSON could not be read, whatever field it names.
_DECODER = (r"\bat line \d+ column \d+\b|\bline:? \d+,? column:? \d+\b|\bdeserializ|"
            r"\bnot (?:valid )?json\b|"
            # Go's encoding/json, PHP's and others' JSON decoder exceptions
            r"\blooking for beginning of (?:value|object key)\b|\bunexpected end of json input\b|"
            r"\b(?:premature|unexpected) end of (?:input|data|file|json)\b|"
            r"\binvalid char(?:acter)? in json\b|\blexical error\b|"
            r"\binvalid character '.' in literal\b|"
            r"\bjson (?:decoding|decode|parse|parsing|syntax) (?:exception|error)\b")
_DECODER_RE = Gated(_DECODER)
_KEY_SET = Gated(r"\bjwks\b|\bjwk set\b|\bcreate jwk\b|\bkey parameter\b|\bjwk json\b|\bkey ?set\b|"
                 r"\bresponse body\b|\bkey ?source\b|"
                 r"\bmodulus\b|"
                 r"\b(?:decod\w*|pars\w*|fetch\w*) keys\b|"
                 r"/(?:keys|certs|jwks(?:\.json)?)\b")

# (pattern, step, rule): phrases that name a step without a claim name.
_PHRASES: tuple[tuple[Gated, str, str], ...] = tuple(
    (Gated(p), s, r) for p, s, r in (
        # fetching metadata or keys
        (r"\b(?:unable|failed|fail|couldn'?t|could not|cannot|can't)\s+(?:to\s+)?"
         r"(?:fetch|retrieve|download|reach)\b"
         # (not a token taken from a request's metadata or headers: "Could not retrieve bearer
         # token from metadata" is a token that never arrived)
         r"(?! (?:the |a )?(?:bearer |access |id |auth )?token from\b).{0,60}"
         r"(?:jwks?|keys?|jwk set|configuration|metadata|discovery|document|url|openid|"
         r"cert(?:ificate)?s?\b|https?://)|"
         # (to load or get a key is to read key material as often as to fetch it: "failed to
         # load public key: expected 1 key in JWKS", "Could not get modulus … of RSA key")
         r"\b(?:unable|failed|fail|couldn'?t|could not|cannot|can't)\s+(?:to\s+)?"
         r"(?:obtain|load|get)\b.{0,60}"
         r"(?:jwks\b|jwk set|key ?set|configuration|metadata|discovery|document|url|openid|"
         r"certs\b|https?://|\bkeys\b)",
         "fetch", "DC010"),
        (r"\berror (?:while |when )?(?:fetching|retrieving|loading|downloading|requesting)\b"
         r".{0,40}\b(?:jwks?|jwk set|key ?set|keys|configuration|config|metadata|discovery|"
         r"document|certs|well-known)\b|"
         r"\bfailed (?:get|post|request) (?:to|for)\b.{0,10}https?://|"
         r"\b(?:failed to get|did not get|didn't get|no) (?:a )?(?:valid )?response from (?:the )?"
         r"(?:authentication|authorization|auth|introspection|identity|oauth2?|oidc|token) "
         r"(?:server|endpoint|provider)\b|"
         r"\b(?:introspection|token|jwks|discovery|metadata|userinfo) endpoint\b.{0,40}"
         r"(?:connection refused|actively refused|no connection could be made|timed? ?out|"
         r"unreachable|no such host|name resolution|econnrefused|5\d\d\b)|"
         r"\bno connection could be made\b.{0,80}\b(?:jwks|metadata|discovery|keys|certs)\b",
         "fetch", "DC010"),
        # a document that could not be resolved, or an HTTP status other than the one
        # expected, when fetching keys or metadata (no word "JWKS" needed)
        (r"\b(?:unable|failed|could not|couldn'?t|cannot)\s+(?:to\s+)?resolve\b.{0,40}"
         r"\b(?:document|configuration|metadata|discovery|url|uri|issuer)\b|"
         r"\bexpected (?:a |an )?(?:http )?(?:200|2xx)(?: ok)? from\b|"
         r"\b(?:well-known|openid-configuration|jwks|certs)\b.{0,20}\b(?:404|5\d\d) (?:not found|"
         r"internal server error|bad gateway|service unavailable)\b|"
         r"\bexpected (?:a |an )?(?:http )?(?:200|2xx|successful|success)\b.{0,200}"
         # (not 401/403: that is the API's own answer, as in a test's "expected 200, got 401")
         r"\b(?:got|received|but|returned)\b.{0,20}\b(?!40[13])[1-5]\d\d\b|"
         r"\b(?:unexpected|unsuccessful|non-200|bad) (?:http )?(?:status|response)(?: code)?\b"
         r".{0,80}\b(?:jwks?|keys|certs|configuration|metadata|discovery|well-known|endpoint|"
         r"ur[il]s?)\b|\b(?:jwks?|keys?|certs|configuration|metadata|discovery|endpoint|ur[il]s?)"
         r"\b.{0,60}\b(?:unexpected|unsuccessful|non-200|bad) (?:http )?(?:status|response)|"
         r"\b(?:404|5\d\d) (?:not found|internal server error|bad gateway|service unavailable|"
         r"gateway time-?out)\b.{0,80}\b(?:jwks?|certs|keys|openid-configuration|well-known|"
         r"metadata|discovery)\b|"
         r"\b(?:did not|didn't|failed to|none of [\w ]{0,30}?)\s*"
         r"(?:return|returned|serve|served|respond|responded)\b.{0,30}"
         r"\b(?:jwks?|keys?|key set|configuration|metadata|document)\b", "fetch", "DC010"),
        (r"\b(?:jwks?|jwk set|keys|discovery|metadata|openid-configuration|certs)\b.{0,60}"
         r"(?:connection refused|timed? ?out|no such host|i/o timeout|dial tcp|econnrefused|"
         r"unreachable|remote fetch|status code|responded with|too many requests|"
         r"returned (?:http |status )?[45]\d\d\b|deadline exceeded|x509|\btls\b|"
         # (a TLS failure, not "JWK with no certificate chain", a key's own certificate)
         r"certificate (?:verify|signed by|has expired|is not (?:yet )?valid|error)|"
         r"unknown authority|"
         r"econnreset|enotfound|getaddrinfo)", "fetch",
         "DC010"),
        (r"\b(?:jwks?|keys|configuration|metadata|discovery|document|certs)\b.{0,30}"
         r"\bcould not be (?:retrieved|fetched|downloaded|loaded)\b", "fetch", "DC010"),
        (r"\bremote fetch\b|\bget keys failed\b|\bfetching keys\b|"
         r"\bjwks?\b (?:endpoint|uri|url) error\b|"
         r"\b(?:404|5\d\d) (?:client |server )?error\b.{0,160}\b(?:jwks?|certs|keys|"
         r"openid-configuration|well-known)\b|"
         r"\b(?:invalid|unexpected) (?:response )?content-type\b.{0,120}\b(?:well-known|"
         r"openid-configuration|jwks?|certs|metadata)\b|"
         r"\btimed? ?out (?:while |when )?(?:fetching|retrieving|loading|downloading|getting)\b|"
         r"\b(?:fetching|retrieving|loading|downloading)\b.{0,40}\b(?:keys|jwks|certs|"
         r"configuration|metadata)\b.{0,40}\b(?:failed|error|timed? ?out)|"
         r"\b(?:jwks|jwk set|key ?set|openid-configuration|discovery|metadata) (?:endpoint|url|"
         r"uri)\b"
         r".{0,20}\b(?:did not|didn'?t|does not|doesn'?t) return (?:an? )?(?:http |status )?200\b",
         "fetch", "DC010"),
        # ("No security keys were provided": none to try, as IDX10500 and its exception
        # SecurityTokenSignatureKeyNotFoundException say; labelled key by every author)
        (r"\bno security keys\b|\bno keys? (?:were|was) provided\b", "key", "DC304"),
        (r"\bjwks?\b.{0,40}\b(?:did not contain|does not contain|didn't contain|doesn't contain|"
         r"has no|empty|no keys)|"
         r"\bjwks (?:response|document)\b.{0,30}\b(?:invalid|unsupported|malformed)\b|"
         r"\bjwks?\b.{0,30}\breturned (?:an? )?(?:invalid|malformed|unexpected) "
         r"(?:payload|response|json|document|body)\b|"
         r"\bmissing keys (?:on|in) (?:the )?key ?set\b|\bempty (?:jwks|jwk set|key ?set)\b|"
         r"\b(?:invalid|malformed) jwk\b(?! (?:set|header))|"
         r"\bjwks?\b.{0,60}\b(?:serializ|serialis|deserializ)|"
         r"\b(?:jwks|jwk\W+set|key ?set)\b.{0,40}\b(?:unexpected|invalid|bad) format\b|"
         r"\b(?:invalid|malformed) jwks\b|\bjwks (?:response|document|json) (?:is )?"
         r"(?:invalid|malformed)|\bkeys[\"']? (?:field|member|property|array) is missing\b|"
         # a fetched document that could not be decoded (a key set, not the token)
         r"\b(?:decod|pars|unmarshal|deserializ)\w*\b.{0,30}\b(?:jwk set|jwks?|key ?set)\b|"
         r"\bjson (?:response|body)\b.{0,40}https?://|\bjson from (?:the )?jwks\b|"
         r"\b(?:malformed|invalid) key object\b|\bfetched jwk\b|"
         r"\b(?:error|failed|unable)\b.{0,10}\bpars\w* (?:the )?jwks?\b|"
         # a key of the set that is unusable, or a set without keys: the set's content
         r"\bno keys (?:were )?found in (?:the )?(?:jwks|jwk ?set|key ?set|[`'\"]?jwks (?:uri|"
         r"url))|"
         r"\bindividual key\b|\bjwks (?:unsupported key (?:type|usage)|key id is empty)\b|"
         r"\bkey ?error\W+keys\b|\bmissing (?:an? |required )?[\"']?keys[\"']? (?:array|member|"
         r"field)\b|"
         r"\bduplicate (?:key ids?|kids?)\b|\bkey ids? must be unique\b|"
         r"\bin (?:the )?fetched (?:jwk ?set|jwks|key ?set)\b|"
         r"\bno (?:valid |usable )?jwks? found (?:in|inside)\b|\bkey ?set (?:is )?missing\b|"
         r"\bno keys (?:on|in) (?:the )?response\b|"
         r"[\"']keys[\"'] (?:member )?(?:must exist|to be set|is required|is missing)\b|"
         r"\b(?:required|missing) (?:attribute|member|parameter|field) (?:for|of|in) (?:a |"
         r"the )?jwk\b|"
         r"\bno jwks?(?: keys)? (?:are |is )?available\b|\bno key ?sets? (?:found|available)\b|"
         r"\b(?:invalid|malformed) (?:jwk ?set|key ?set)(?: content)?\b|\b(?:unexpected|"
         r"unsupported) type of jwks\b|"
         r"\bjwks\b.{0,20}\b(?:malformed|corrupt)\b|"
         r"\bjwk\b.{0,20}\bmissing\b.{0,10}[\"']?kty\b|\bmissing (?:the )?key type \(kty\)|"
         r"\bjwks?\b.{0,40}\bnot any\b|\bnot any\b.{0,40}\bjwks?\b|[\"']kty[\"'] is required\b|"
         # a fetched document that is not JSON ("Malformed json returned while fetching cert")
         r"\b(?:malformed|invalid|bad)\b.{0,20}\bjson\b.{0,30}\b(?:returned|received) (?:while|"
         r"when) "
         r"(?:fetching|retrieving|getting|downloading)\b|"
         r"\b(?:malformed|invalid) json (?:object |document )?for (?:the )?keys\b|"
         r"\bjwks (?:payload|response|document|body|content) (?:is |was )?(?:invalid|malformed)\b|"
         r"\bfailed to decode keys\b|\bunsupported (?:crv|ec curve)\b|"
         # key material of the set that is incomplete ("incomplete EC key: missing x, y, or
         # crv parameter"), a set without signing keys
         r"\bincomplete (?:ec |rsa |ecdsa |okp )?key\b|\b(?:ec|rsa|ecdsa) key incomplete\b|"
         r"\bno (?:signing |verification |public )?keys (?:are |were )?(?:available|found|"
         r"present) (?:from|in)\b.{0,40}\b(?:jwks|jwk ?set|key ?set)\b",
         "jwks", "DC201"),
        # the discovery document: no key set's address (DC104), another issuer than its own
        # URL's (DC101)
        (r"\bjwks (?:uri|url)\b.{0,30}\b(?:not found|missing|not available|absent|required)\b|"
         r"\b(?:unable to|could not|couldn'?t|failed to) (?:find|get|read|locate) (?:the )?jwks "
         r"(?:uri|url)\b|"
         r"\b(?:missing|no)\s+(?:(?:the|a|required|valid)\s+)*[\"'`]?jwks (?:uri|url)\b|"
         r"\bjwks (?:uri|url)\b.{0,10}\b(?:cannot|can'?t|must not) be (?:empty|null|blank)\b|"
         r"\bmissing keys?\W{1,3}jwks (?:uri|url)\b|"
         r"\b(?:does not|doesn'?t|did not) (?:contain|include|have) (?:an? |the )?[\"'`]?jwks "
         r"(?:uri|url)\b|\bjwks ?uri\b.{0,10}\bis:? [\"'`]?undefined\b", "discovery",
         "DC104"),
        # (not "metadata issuer does not match token issuer": that is the token's iss)
        (r"\bissuer (?:returned|published|advertised) by (?:the )?(?:provider|discovery)\b|"
         r"\bdiscovery (?:document |metadata )?issuer\b.{0,40}\b(?:does not|doesn't|did not) "
         r"match\b.{0,20}\b(?:configured|expected|url)\b|\bmissing discovery parameter\b|"
         r"\bissuer\b.{0,60}\bbut was fetched from\b|"
         r"\b(?:returned|advertised|published) issuer\b|"
         r"\bissuer\b.{0,30}\bin (?:the )?(?:discovery|provider|openid) (?:document|metadata|"
         r"configuration)\b|"
         r"\b(?:invalid|missing|no)\b.{0,20}\bissuer\b.{0,10}\b(?:metadata|key found)\b|"
         r"\bmetadata content\b|"
         r"\b(?:oidc|openid|provider|discovery) configuration\b.{0,20}\bmissing issuer\b|"
         r"\bconfiguration error\b.{0,10}\bissuer validation failed\b|\bwell[- ]known issuer\b",
         "discovery", "DC101"),
        # parse
        (r"\bmalformed\b(?! (?:certificate|pem|public key|private key|key)\b)|"
         r"\bnot (?:an? )?well[- ]formed\b|(?<!cryptographic )(?<!signature )\bsegments?\b|"
         r"\bnot (?:a |in )?(?:valid|the correct|correct) format\b|"
         r"\bperiod characters\b|"
         r"\b(?:two|three|2|3) dots\b|\bno dots\b|\bone dot\b|\bpart delimiters\b|"
         r"\bno header data\b|"
         r"\bexpected (?:to have )?(?:\d|two|three|five) parts\b|\b\d parts\b|\bthree part\b|"
         r"\bcompact (?:jws|jwt|serialization)|\bbase64|\bpadding\b|"
         r"\binvalid (?:json|format(?! for (?:the )?claim)|compact)|\bnot a valid (?:json|base64)|"
         r"\bmust be an? (?:top-level |valid )*json\b|"
         r"\b(?:invalid|bad|wrong|unrecognized|unrecognised) "
         r"(?:(?:authorization|token|jwt) ){0,3}"
         r"(?:form|format|structure|serialization|encoding|header(?! type)(?!\s+[`'\"]?(?:typ|alg|"
         r"kid)\b))\b|"
         r"\bunexpected (?:(?:authorization|token|jwt) ){1,3}(?:form|format|structure)\b|"
         r"\bserialization\b.{0,30}\b(?:invalid|malformed)\b|\bnumber of (?:parts|segments)\b|"
         r"\b(?:missing|invalid|bad) part\b|"
         r"\b(?:token|jwt)\b(?:(?!\b(?:claim|field)\b).){0,30}\bmust be a (?:non-empty )?string\b|"
         r"\bdot parts\b|\bdelimited by (?:a )?dots?\b|\bmissing or malformed\b|"
         r"\b(?:bad|invalid|malformed|wrong)\b.{0,30}\bheader format\b|"
         r"\bheader auth(?:orization)?\b.{0,20}\b(?:missing|empty|absent)\b|"
         r"(?<!in the )(?<!in a )\b(?:a |the )?(?:id |access |bearer )?(?:token|jwt) is "
         r"required\b|"
         r"\b(?:cannot|could not|couldn'?t|can'?t) be (?:recognized|recognised|parsed|decoded)\b|"
         r"\bdecoding\b.{0,30}\b(?:failed|error)\b|"
         r"\b(?:token|jwt) parsing\b.{0,20}\b(?:failed|error)\b|"
         r"\b(?:protected |jose |jws |jwt |token )header\b.{0,20}\b(?:invalid|malformed|not valid)|"
         r"\bauth(?:orization|entication)?[\"'`]? (?:http )?(?:header|field)\b.{0,40}\b(?:missing|"
         r"must|"
         r"bad|invalid|malformed|expected|empty|not found|not present|not provided|absent|"
         r"not of type|"
         r"not of the correct|not in the correct|required but|none given|not specified|"
         r"(?:isn'?t|is not|was not|wasn'?t) set|blank|"
         r"not valid|should|does not begin|does not start)\b|"
         r"\bmissing (?:an? |the )?[\"'`]?(?:bearer )?authorization[\"'`]?(?: header)?\b|"
         r"\bmore than one signature\b|\bonly one method may be used\b|"
         # ("Invalid authorization token, Signature has expired" names no shape)
         r"\b(?:bad|invalid|malformed) [\"'`]?(?:bearer )?authorization[\"'`]?"
         r"(?: header)?\b(?! token\b)|"
         r"\berror (?:while |when )?decoding\b|"
         r"\b(?:does not|doesn't|did not|didn't) (?:contain|include|have) (?:an? |the )?"
         r"(?:access |bearer |auth |id )?(?:token|jwt)\b(?=\s*(?:[.,;:)!]|$))|"
         r"\b(?:invalid|bad) (?:token|jwt)\s*\((?:missing|empty|not provided|absent)\)|"
         r"\b(?:unable|failed|could not|couldn't|error) (?:to )?decod|\bdecode_error\b|"
         r"\bdecoding (?:token|header|payload)|\bcompact encoding\b|\bdecode error\b|"
         r"\b(?:failed|unable|could not|couldn't|cannot|can't) (?:to )?parse\b|"
         # a missing token ("Token not provided by Google" is about who issued it)
         r"\bno (?:auth(?:orization|entication)? |bearer |access |identity |jwt |session )?"
         r"(?:token|jwt)\b"
         r"(?! (?:type|use|signing|verification|validation|secret|key)\b)|"
         r"\bno id token\b(?=\s*(?:$|[.,;:)!]|in\b|found\b|present\b|received\b|was\b|could\b|"
         r"field\b))|"
         r"\b(?:token|jwt) (?:was |is )?not (?:found|provided|supplied|present|set|included)\b"
         r"(?! (?:by|from|for)\b)|"
         r"\bmissing (?:the |a |an )?(?:bearer |access |auth |jwt |identity |authentication |"
         r"authorization |session )?(?:token|jwt)\b"
         r"(?!\s+(?:claims?|header|parameter|field|identifier|id)\b)"
         # ("Missing JWT issuer (iss) claim" is the claim's)
         r"(?!\s+(?:[\w-]+\s+){0,3}(?:\(\w+\)\s+)?claims?\b)|"
         r"\b(?:token|jwt) (?:is |was )?(?:missing|empty|absent)\b"
         r"(?!\s+(?:an?\s+|the\s+)?(?:required\b|mandatory\b|following\b|payload\b|key\b|"
         r"\w+ header\b|"
         r"(?:exp|expiration|iat|nbf|iss|issuer|aud|audience|sub|subject|kid|alg|typ|jti|nonce|"
         r"azp)\b|"
         r"[\"'`][^\"'`]{1,30}[\"'`]\s+claim\b|(?:\w+\s+){1,3}claim\b|"
         r"[\"'`]?\w+[\"'`]?\s+(?:claim|value|field)\b|claim))|"
         r"\bno (?:authorization|credentials?|bearer)\b.{0,20}\b(?:included|passed|provided|"
         r"supplied|found|present|in (?:the )?request)\b|"
         r"\bno token supplied\b|\bjwt must be provided\b|"
         r"\b(?:authorization|bearer|auth) token required\b|\binvalid serialized\b|"
         r"\bno b?[\"']\.[\"'] found\b|\bno (?:dots?|periods?|separators?) found\b|"
         r"\bauthorization[\"'`]? is missing\b|\bsections? instead of\b|[\"']\d[\"'] sections\b|"
         r"\b(?:token|jwt) is an? jwe\b|\bnot structured correctly\b|\bincorrectly structured\b|"
         r"\bid token hint\b.{0,20}\b(?:is not set|missing|not provided)\b"
         r"(?!\s+(?:an?\s+|the\s+)?\w+\s+claim)|"
         r"\b(?:token|jwt)\b(?:(?![.;]).){0,20}\bmust be (?:passed|sent|provided|included) (?:in|"
         r"using)\b|"
         r"\bmultiple methods\b.{0,30}\btoken\b|\bheader,? (?:a )?payload,? and (?:a )?signature\b|"
         r"\bempty payload\b|"
         r"(?<!access )(?<!refresh )(?<!fresh )\btoken required\b|"
         r"\bheader [\"'`]?authorization[\"'`]? not found\b|"
         r"\bfind (?:a |the )?(?:valid )?(?:authentication |auth )cookie\b|"
         r"\bcookie for authentication\b|"
         r"\b(?:need to|must) provide an?\b(?! valid)(?:(?![.;]).){0,40}\b(?:token|bearer|"
         r"authorization)\b|"
         r"\b(?:authentication |auth |authorization )?(?:type|scheme) must be [\"'`]?bearer\b|"
         r"\bmissing (?:auth|jwt|token) cookie\b|\bmissing cookie\b.{0,20}\b(?:token|jwt)\b|"
         r"\bno cookie\b.{0,30}\b(?:jwt|token)\b.{0,20}\b(?:found|present|provided)\b|"
         r"\bjwt is missing\b(?!\s+(?:an?\s+|the\s+)?(?:required\b|mandatory\b|[\w-]*claim))|"
         r"\bformat is authorization\b|\bmultiple tokens\b|\binvalid jwt string\b|"
         r"\b(?:consist of|contain|have|has)\b.{0,40}\bparts\b|\bonly one (?:header|signature)\b|"
         r"\b(?:signature|header|payload) (?:format|encoding)\b|"
         r"\bseparated by (?:dots|periods)\b|\bnot a form of\b|"
         r"\bcrit(?:ical)?\b.{0,30}\b(?:header|extension|parameter)|\bcrit(?:ical)? claim\b|"
         r"\b(?:invalid|unsupported|unknown)\b.{0,20}\bcrit(?:ical)?\b|"
         r"\b(?:token|jwt|jws) (?:format|structure)\b.{0,20}\b(?:not valid|invalid|incorrect|wrong|"
         r"bad)|\bone part\b|\btoken string\b|"
         r"\bpayload (?:is )?(?:absent|missing)\b(?! (?:an? |the )?(?:required )?(?:claim|field))|"
         r"\bnot an? (?:valid )?(?:jwt|jws|jwe)\b|\berror (?:while |when )?pars(?:ing|e)\b|"
         r"\bdecode\(\) returned (?:null|none|nil)\b|\bempty (?:jwt|token|bearer)\b|"
         r"\b(?:token|jwt|string)\b(?! (?:issuer|audience|subject|expiration|exp|iss|aud|sub|"
         r"nonce|claims?)\b).{0,20}\b(?:cannot be|can not be|was|is) (?:null|empty)\b|"
         r"\b(?:jwt|token|serialization) (?:is )?too long\b|\binvalid byte\b|"
         r"\bline:? \d+,? column:? \d+|"
         r"\bno (?:http )?authorization (?:header|field)\b|"
         r"\bmissing [`'\"]?id token[`'\"]?\b|\b(?:failed|unable) to extract (?:the )?(?:id|"
         r"access) token\b|"
         r"\b(?:id|access) token (?:was )?not returned\b|\bnot contain (?:a )?bearer\b|"
         r"\bdoes not decode\b|"
         r"\bexpected \d (?:chunks|parts|segments)\b|\bdetached payload\b|"
         r"\b(?:encryption|jwe)\b.{0,20}\bnot supported\b|"
         r"\b(?:token|jwt)[\"'`]? (?:is |was )?(?:null|undefined|blank)\b|"
         r"\bnot properly (?:formatted|base64)|"
         r"\b(?:incorrectly|improperly|badly|wrongly) formatted\b|\bmultiple signatures\b|"
         r"\b(?:\d|two|three|five) sections\b|\b(?:expected|has|have|must) to be encrypted\b|"
         r"\bmust have a valid (?:jwt |jws |token )?format\b|"
         # the Authorization header's scheme or prefix ("Invalid token scheme", "Invalid JWT
         # authentication token prefix")
         r"\b(?:invalid|unsupported|unknown|wrong|bad|missing) (?:(?:token|auth(?:orization|"
         r"entication)?|jwt|bearer) ){1,3}(?:scheme|prefix)\b|"
         r"\b(?:invalid|bad|malformed)\b.{0,30}\bheader [\"'`]?authorization\b|"
         # no token arrived: a query parameter, a header, a cookie or "auth" of its own
         r"\b(?:access token|token|jwt|bearer)[\"'`]? (?:query )?(?:parameter|param|"
         r"cookie)\b.{0,20}"
         r"\b(?:not found|missing|absent|not present|not provided)\b|"
         r"\bno auth(?:orization|entication)? (?:(?:info|information|data) )?(?:provided|given|"
         r"supplied|found|present|header)\b|"
         r"\b(?:does not|doesn'?t|did not) (?:contain|include|have) (?:an? |the )?[\"'`]?"
         r"authorization[\"'`]? header\b|\bno valid auth(?:entication|orization)? (?:provided|"
         r"given|supplied|found)\b|\bexactly (?:1|one) [\"'`]?authorization[\"'`]? header\b|"
         r"\b(?:could not|couldn'?t|unable to|failed to) (?:retrieve|get|find|extract|"
         r"read) (?:the |a )?"
         r"(?:bearer |access |id |auth )?token from (?:the )?(?:request |grpc |incoming )?"
         r"(?:metadata|headers?|context)\b|"
         r"\bexpected (?:an? )?auth(?:orization|entication)? header\b|"
         r"\bauth(?:orization)? string does not conform\b|"
         # ("Invalid or missing authentication header", "No bearer header")
         r"\b(?:missing|invalid|no|bad|malformed|empty|absent)(?: or (?:missing|invalid|malformed|"
         r"empty))? (?:auth(?:orization|entication)?|bearer) header\b|"
         r"\b(?:failed|unable|could not|couldn'?t) to extract\b.{0,20}\b(?:payload|header|"
         r"claims)\b|"
         + _DECODER, "parse", "DC302"),
        # algorithm
        (r"\b(?:alg(?:orithm)?|algos?|signing method|signer)\b.{0,40}(?:not allowed|invalid|"
         r"not acceptable|not matching|"
         r"unsupported|not (?:\w+ )?supported|mismatch|wrong|unexpected|"
         r"not (?:\w+ )?(?:permitted|accepted)|(?:does|do|did) not match|doesn'?t match|"
         r"not (?:white|allow)[- ]?listed|differs|not in (?:the )?(?:allow|white)[- ]?list|"
         r"not advertised|"
         r"not (?:one of|among) the (?:allowed|accepted|permitted|supported|expected)|"
         r"not (?:be )?found|unknown|not recognized|not recognised)|"
         r"\b(?:invalid|unsupported|unexpected|wrong|different|incorrect|disallowed|incompatible|"
         r"unknown|unmanaged) (?:signature |signing |token |encoding |key |jwt )?(?:alg(?:orithm)?|"
         r"signing method|signature type)\b|\bno support for (?:the )?(?:signature type|alg)|"
         r"\bno signature (?:component|part|segment)\b|"
         r"\balg(?:orithm)? (?:of )?['\"]?none\b|\bnone alg(?:orithm)?\b|"
         r"\b(?:alg(?:orithm)?|algo|key) confusion\b|"
         r"\b(?:does not|doesn't|did not) (?:contain|have|include) (?:a |any )?signature\b(?! key)|"
         r"\bhas no signature\b|"
         r"\bsigned (?:by|with|using) (?:an? )?(?:another|different|wrong|unexpected|other) "
         r"alg(?:orithm)?\b|"
         r"\bno (?:supported|allowed|acceptable)\b.{0,30}\balg(?:orithm)?\b|"
         r"\bno (?:alg(?:orithm)?|signature(?: algorithm)?) (?:was )?(?:found|present)\b|"
         r"\bunsecured\b(?!/)|\bunprotected\b|\bunsigned\b|\bplain ?jwt\b|\bnone ?not ?allowed\b|"
         r"\bsigner mismatch\b|\bsignature is (?:required|missing)\b|"
         r"\bmissing (?:a )?signature\b|\bno verifier\b|\b(?:incorrect|wrong) key for\b|"
         r"\bkey for (?:this|the) algorithm\b|\b(?:invalid|wrong) key for alg|"
         r"\bkey (?:is )?not allowed for (?:this |the )?alg|"
         # ("Only RS256 or ES256 algorithms supported for JWT signing, used HS256")
         r"\bonly\b.{0,40}\balg(?:orithm|o)?s? (?:are |is )?(?:currently )?(?:supported|allowed|"
         r"accepted|permitted)\b|"
         r"\b(?:cannot|can'?t|unable to) use\b.{0,20}\balg(?:orithm)?\b|"
         r"\b(?:no|not) (?:signature |signing )?algorithm (?:defined|specified|set|given)\b|"
         r"\bmust be an? (?:a?symmetric|rsa|ec|ecdsa) key when using\b|"
         r"\b(?:could not|cannot|unable to) validate (?:the )?algorithm\b|"
         # serde's enum of algorithms refusing the header's alg ("unknown variant `none`,
         # expected one of `HS256`, …")
         r"\bunknown variant\b.{0,30}\bexpected one of\b.{0,10}\b(?:hs|rs|es|ps)(?:256|384|512)\b|"
         # a keyfunc's check of the token's signing method ("unknown token method")
         r"\b(?:unknown|unexpected|unsupported|invalid) token (?:signing )?method\b",
         "algorithm", "DC303"),
        # key
        (r"\b(?:unable|failed|could not|couldn'?t|cannot)\s+(?:to\s+)?(?:find|match|locate|"
         r"resolve|lookup|look up|determine|select|choose|pick)\b.{0,40}\b(?:key|jwks?|key ?set|"
         r"certificate)\b(?! (?:uri|url)\b)"
         r"(?!\s+[\"'`][\w-]+[\"'`]\s+in (?:the )?(?:token )?(?:payload|claims))|"
         r"\bno (?:verification |signing |public )?key (?:is |was )?available\b|"
         r"\bno (?:applicable|matching|suitable|signing)?"
         r" ?keys? (?:was |were )?(?:found|matche|match|to match)|"
         r"\bkeys? (?:was |were )?not found\b|"
         r"\bkid\b.{0,40}\b(?:not (?:be )?found|not in|unknown|no match|invalid|mismatch|unable|"
         r"not matching)|"
         r"\bkey (?:id|identifier)\b.{0,40}\b(?:mismatch|not (?:be )?found|not in|unknown)|"
         r"\bunknown (?:signing |public |verification )?key\b|"
         r"\bno (?:matching|suitable|applicable|valid|compatible) (?:public |signing |verification "
         r"|rsa |ec |ecdsa )?"
         r"(?:keys?|jwks?)\b|\bno\b.{0,20}\bfound (?:for|with|matching) (?:the )?(?:kid|key id)\b|"
         r"\berror (?:while |when )?(?:resolving|finding|looking up|locating|matching)\b.{0,20}"
         r"\bkey\b|\b(?:does not|doesn't) have (?:any )?(?:public |signing |verification )?keys?\b|"
         r"\b(?:secret|signing key|public key|verification key)s? (?:was |were )?not found\b|"
         r"\b(?:lacks?|no|missing|without) (?:a |the |any )?(?:jwt |signing |verification )?"
         r"(?:secret|public key|signing key|signature key)\b|"
         r"\bnot in (?:the )?(?:key ?set|jwks)\b|\bno working key\b|"
         r"\b(?:signing|verification|public|validation) key\b.{0,60}"
         r"\b(?:not|cannot be|could not be) found\b|\bcould not find public key\b|"
         r"\bno key found\b|\bunable to match key\b|"
         r"\b(?:secret or )?(?:public )?key must be provided\b|"
         r"\bno (?:matching |valid )?(?:kid|key id)\b.{0,30}\bfound\b|\bambiguous key\b|"
         r"\bmore than one (?:matching |eligible )?key\b|\bfound \d+ (?:eligible|matching) keys\b|"
         r"\bno (?:jwk|public key|signing key)s? (?:was |were )?found\b|"
         r"\bno (?:possible|usable|eligible) keys? (?:match|found)|"
         r"\bmissing (?:signing |verification |public )?key\b|\bjwk\b.{0,60}\bnot found\b|"
         r"\bkey\s+(?:id\s+)?[\"'`][^\"'`]{1,80}[\"'`]\s+(?:was\s+)?not found\b|"
         r"\bkey (?:is )?not (?:present|specified|provided|valid)\b|\bkey is (?:nil|null|empty)\b|"
         r"\bkey shall be specified\b|\bno (?:usable|matching) keys?\b|"
         r"\binvalid key(?: supplied\b|:|\s*\()|\bjwk use\W{1,3}enc\b|"
         r"\bunknown (?:pubkey|public key|certificate)\b|\b(?:wrong|invalid|"
         r"unsupported) key type\b|"
         r"\b(?:public|signing|verification|private) key\b.{0,20}\b(?:could not|cannot|can'?t) be "
         r"(?:obtained|loaded|read|parsed|decoded|created|retrieved|found)\b|"
         r"\bno keys? (?:have|has) been found\b|"
         r"\bsigned (?:by|with) (?:an? )?(?:untrusted|unknown|unrecogni[sz]ed) key\b|"
         r"\b(?:public|signing|verification) key (?:has |have )?not (?:been |be )?(?:set|"
         r"configured|"
         r"provided)\b|\bjwk (?:doesn'?t|does not) match\b|"
         r"\bsigned by a key\b.{0,30}\bnot (?:present|known|found|trusted)\b|"
         r"\bno (?:pem|cert(?:ificate)?|x509)s? (?:was |were )?found\b|"
         r"\bno (?:signing |verification |public )?key with (?:the )?(?:kid|key id)\b|"
         r"\bkey with (?:the )?id\s+[\"'`][^\"'`]{1,80}[\"'`]\s+(?:was\s+)?not found\b|"
         r"\bkey (?:may|must|can) not be empty\b|\bpem (?:parse|decode|decoding|parsing) error\b|"
         r"\bmalformed (?:certificate|pem|public key|private key)\b|"
         r"\b(?:unable to|could not|cannot) find (?:a |the )?(?:certificate|cert|public key)\b|"
         r"\bkey for (?:validating|verifying|checking)\b.{0,40}\b(?:not|cannot be|"
         r"could not be) found\b|"
         r"\bneither\b.{0,40}\bnor (?:a )?(?:public key|secret|signing key)\b|"
         r"\bparameter [\"'`]?(?:use|key ops)[\"'`]? in (?:the )?jwk\b|"
         r"\b(?:jwk|key)\b.{0,10}[\"']?use[\"']? parameter\b.{0,40}"
         r"\b(?:enc|not in|not allowed|invalid)|"
         r"\b(?:did not|does not|didn't|doesn't) contain (?:the|a|any) (?:matching |requested |"
         r"specified )?key\b|"
         r"\bjwk (?:is |was )?not found\b|"
         r"\bunsupported (?:jwk |ec |rsa |okp )?key type\b|\(kty\)|"
         r"\b(?:secret|(?:public |private |signing |verification )?key) must be (?:a|an)\b|"
         r"\b(?:invalid|malformed) (?:public|verification|signing)(?: rsa| ec| ecdsa)? key\b|"
         r"\b(?:could not|couldn'?t|unable to|failed to|cannot) (?:decode|parse|read|import) "
         r"(?:the )?(?:[\w-]+ )?(?:public|private|signing|verification) key\b|"
         r"\b(?:public|verification|signing) key (?:is )?(?:invalid|malformed)\b|"
         r"\bnot an? (?:rsa|ec|ecdsa|ed25519|okp|oct|hmac|symmetric) (?:public |private )?key\b|"
         r"\bpem[- ]formatted key\b|"
         r"\bkey\b.{0,40}\bmust be (?:provisioned|configured|provided|set|specified|supplied)\b|"
         r"\b(?:failed|unable|could not|couldn'?t|cannot|error) (?:to )?(?:parse|decode|read)\b"
         r".{0,30}"
         r"\b(?:pem|x509|x\.509|public key|private key|key file)\b|"
         r"\b(?:key ?set|signing keys?|verification keys?|secret|public key)\b.{0,40}"
         r"\bnot configured\b|\bno (?:signature|signing|verification) (?:configurations?|config)\b|"
         # ("'jwtSecret' was not set", a private key where a public one is expected, a header
         # without kid in an SDK's error code)
         r"\b(?:jwt )?secret[\"'`]? (?:was |is )?not set\b|\bpublic key (?:is |was )?not set\b|"
         r"\b(?:received|got|given) an? private key\b.{0,30}\bpublic key\b|\bno kid in header\b",
         "key", "DC304"),
        # signature
        (r"\bsignatures?\b.{0,40}(?:invalid|not valid|mismatch|fail|does not match|"
         r"doesn'?t match|didn'?t verify|not verif|resulted invalid|bad|error|rejected|"
         r"could not be verified|wrong)|"
         r"\b(?:invalid|bad|wrong) (?:(?:jws|jwt|id|access|token) ){0,2}signatures?\b|"
         r"\b(?:jwt|jws|token|signature|hmac) hash mismatch\b|"
         # ("JWT verification failed", "could not verify the token": the whole token, vague)
         r"\bcryptographic primitive\b|(?<!token )(?<!jwt )(?<!jws )"
         r"\bverification (?:fails|failed|failure|error)\b|"
         r"\b(?:failed to|could not) verify\b(?! that\b)"
         r"(?! (?:the )?(?:authentication|credentials?|request|user|identity|session|"
         r"(?:authorization )?code|state|nonce|email|otp|certificate)\b)"
         r"(?! (?:the |a |this )?(?:[\w-]+ )?(?:id |"
         r"access |"
         r"authentication |auth |bearer )?(?:token|jwt|jws)\b)|"
         r"\bbad hmac\b|\binvalid (?:cryptographic|signature) segment\b|"
         r"\bhmac\b.{0,20}\b(?:mismatch|invalid|does not match|failed)\b|"
         r"\bfailed (?:the |\w+ )?signature (?:validation|verification|check)\b|"
         r"\bverifyfinal failed\b|\bverify\w*\(.{0,60}\) returned false\b|"
         r"\bfailed (?:hs|rs|es|ps)\d* validation\b|\bno valid signatures?\b|"
         r"\bverify\w*\b.{0,40}\bcrypto error\b|"
         r"\b(?:verification|validation) failed for (?:all |every |the )?signatures?\b|"
         r"\bsignatures? (?:must be [\"']?\d+|(?:length|size)\b)|"
         # a vague failure qualified by its subject ("invalid token (public key signature)")
         r"\b(?:invalid|bad|rejected) (?:token|jwt|jws|grant)\s*\([\w ]{0,30}\bsignature\)|"
         r"\bintegrity check\b|\btampered\b|\bmanipulated\b|\bforged\b|"
         r"\bcrypto(?:graphic)?\b.{0,30}\bfail|"
         r"\b(?:failed|unable|could not|couldn'?t|error|failure) (?:to )?(?:verify|verifying|"
         r"validate|validating|check|checking) (?:the )?(?:incoming |received |provided )?"
         r"(?:token |jwt |jws )?signature",
         "signature", "DC305"),
        # issuer, when no claim name is used
        (r"\bissued by (?:a |an )?(?:different|another|unknown|untrusted)\b|"
         r"\b(?:not|wasn'?t|was not) (?:issued|minted|signed) by\b|"
         r"\b(?:not|wasn'?t|was not) provided by\b(?! the (?:received |provided )?(?:jwt|token)\b)|"
         r"\bnot have a valid realm\b|\brealm (?:mismatch|does not match|doesn't match)\b|"
         # no configured provider for the token's iss ("no matching OIDC/JWT provider")
         r"\bno (?:matching|configured|trusted|known) (?:[\w/]+ )?(?:providers?|issuers?|"
         r"authenticators?|registrations?)\b(?! (?:for|of) (?:the )?(?:alg|algorithm|key)\b)",
         "issuer", "DC309"),
        # audience, when no claim name is used
        (r"\bcannot be used (?:with|by|for) this (?:resource server|api|resource|audience)\b|"
         r"\bintended for (?:another|a different|other) (?:audience|service|resource|api)\b|"
         r"\bnot intended for (?:me|us)\b|\bnot for this (?:audience|api|resource|service|"
         r"client)\b|"
         r"\bnot (?:valid|intended|meant|issued) (?:for|to) this (?:resource server|api|resource|"
         r"audience|service|relying party|client|application)\b|"
         r"\bnot valid for (?:the )?requested resource\b",
         "audience", "DC310"),
        # token type
        (r"\b(?:(?:token|jwt)[_ ](?:type|use)|typ)\b.{0,30}(?:incorrect|not allowed|invalid|"
         r"mismatch|unexpected|wrong|expected|not supported|unsupported|must be)|"
         r"\b(?:invalid|unexpected|wrong|incorrect|unsupported) (?:jwt |token |"
         r"jose )?header type\b|"
         r"\bid token (?:sent|used|is not (?:allowed|accepted|permitted|an access token)|"
         r"instead)\b|"
         r"\b(?:token|jwt) has (?:the |a )?(?:wrong|invalid|unexpected|incorrect) type\b|"
         r"(?<!unsigned )(?<!unsecured )\b(?:refresh|id|access) tokens? (?:is |are )?not "
         r"(?:allowed|accepted)\b|\bexpects? an? (?:id|access|refresh) token\b.{0,30}"
         r"\b(?:given|got|received|passed)\b|"
         r"\b(?:token|jwt) is not of the (?:expected|right|correct) type\b|"
         r"\bonly (?:non-)?(?:refresh|access|id) tokens\b|\b(?:token|jwt) has no (?:type|typ)\b|"
         r"\b(?:not supported|unsupported|unexpected) (?:token )?type\s+[\"']|"
         r"\b\w+ token used for (?:access|refresh|authentication)\b|"
         r"\bnot an? (?:jwt profile |jwt |oauth )?(?:access|id|refresh) token\b|"
         r"\b(?:id|refresh|access) tokens? (?:cannot|can'?t|must not|may not) be (?:used|validated|"
         r"accepted|treated) as an? (?:access|id|refresh) token\b|"
         r"\b(?:invalid|unexpected|wrong|incorrect) (?:jwt|token) type\b|"
         r"\((?:invalid|unexpected|wrong|incorrect) type\)|"
         r"\b(?:unknown|invalid|wrong|unexpected) (?:type|kind) of token\b|"
         r"\bnot an? (?:user|service|host|machine|api|session) token\b|"
         r"\b(?:token|jwt) is an? (?:refresh|id) token\b|"
         r"\b(?:id ?token|access token) was expected\b.{0,30}\b(?:token|provided|given)\b",
         "token-type", "DC312"),
        # claims
        (r"\bclaims? (?:verification|validation|check) (?:failed|fails|error)\b|"
         r"\bcustom claims?\b.{0,30}\b(?:not met|invalid|failed|mismatch)|"
         r"\bno (?:suitable |valid )?claims? for\b|"
         r"\b(?:key|claim|field)\s+[\"'`][\w-]+[\"'`]\s+in (?:the )?(?:token )?"
         r"(?:payload|claims)\b|"
         r"\b(?:decod|pars)\w* (?:the )?claims?\b|\bclaim not found\b|\bno claim found\b|"
         r"\b(?:failed|unable) to (?:obtain|get|extract|read) (?:the )?(?:\w+ )?claims? from\b|"
         r"\b(?:cannot|could not|unable to) find (?:the )?\w+ claim\b|"
         r"\b(?:unable to|cannot|could not) find\b.{0,30}\b(?:property|field|"
         r"attribute) in (?:the )?"
         r"(?:jwt|token)\b|\binvalid d ?po ?p (?:htm|htu|ath|jti|iat|nonce)\b|"
         r"\bclaims? (?:are|is|were|was) (?:invalid|not valid)\b|\bclaim (?:value )?mismatch\b|"
         r"\b(?:user|subject|email|tenant|org\w*|role|group|username)s?(?: id| name)? not "
         r"(?:found|set|present) in (?:the )?(?:[\w-]+ )?(?:token|jwt|payload)\b|"
         # ("Required claims not present", "Claims not found", "No username provided in bearer
         # token payload", "Key 'groups' not found in id token!")
         r"\brequired claims? (?:not present|missing|not found)\b|\bclaims not found\b|"
         r"\bno \w+ provided in (?:the )?(?:\w+ )?(?:token|jwt) payload\b|"
         r"\bkey [\"'`][\w.-]+[\"'`] not found in (?:the )?(?:id |access )?token\b|"
         r"\b(?:validation|verification) (?:error|failure|failed) for (?:the )?claims?\b|"
         r"\bjkt\b|\bx5t#s256\b|\bcertificate[- ]bound\b|"
         r"\binsufficient scopes?\b|"
         # an id token's email_verified ("email not verified", "email_verified claim was false")
         r"\bemail(?: address)? (?:is |was )?not verified\b|"
         r"\bemail verified\b.{0,20}\b(?:false|not true)\b|"
         r"\b(?:access[- ]token|at|token) hash (?:verification|validation|check)\b|"
         r"\bscopes?\b.{0,20}(?:not allowed|missing|insufficient|"
         r"required|not matched|not authori[sz]ed)|"
         # RFC 6750 §3.1's own description of insufficient_scope
         r"\bhigher privileges than provided by the access token\b|\bconfirmation (?:claim|"
         r"mismatch)|\bcnf\b", "claims", "DC311"),
    ))
# A time phrase explains a signature phrase beside it ("Signature has expired",
# "jwt signature verification failed: 'exp' claim expired").
_EXPLAINED_BY_TIME = {"signature"}

# Not about validating a token: the answer claims no step.
_UNRELATED_HARD = Gated(
    r"\bcsrf\b|\bxsrf\b|authenticity token|\bssl certificate\b|\bclient certificate\b|"
    r"\bcertificate verify\b|\brbac\b|\bbasic realm\b|\bcookied session\b|\bnamed cookie\b|"
    r"\bsession cookie\b|\bcookie\b.{0,40}\bnot (?:present|set|found)\b")
_UNRELATED_SOFT = Gated(
    r"\brate limit|\btoo many requests\b|\blimiting requests\b|\brevoked\b|\bblocked\b|"
    r"\b(?:black|block|deny)[- ]?listed\b|\bpermission\b|\bnot allowed to perform\b|"
    r"\binsufficient access\b|\bno matching polic(?:y|ies)\b|"
         # the API's or client's own client authentication at the authorization server
         r"\binvalid client\b|\bclient authentication failed\b|"
         r"\b(?:unknown|disabled|invalid)(?: or \w+)? client\b|\binvalidated\b|\binvalid grant\b|"
         # an impersonation, a role or an account, not the token's validation ("invalid
         # credentials" is left vague: a password login's or a token's)
         r"\bincorrect password\b|\bpassword you entered\b|\bimpersonation\b|\btheft\b|"
         r"\bsecurity stamp\b|\bsufficient roles?\b|"
         r"\bnot authori[sz]ed to access\b|\bresource indicator\b|\b(?:is|was|been) disabled\b|"
         r"\bno user associated\b|"
         # a password login, a feature that is off, the application's own settings, or the
         # signing side (issuing a token, not validating one)
         r"\b(?:incorrect|invalid|wrong|bad) (?:username|user name|login|email) or password\b|"
         r"\bnot enabled\b|\bnot (?:properly )?configured\b|\bconfigured properly\b|"
         r"\bcontact (?:the |your )?admin|"
         # a stored token looked up (reference tokens, revocation lists)
         r"\b(?:not (?:found |present )?in|(?:does not|doesn'?t) exist in) (?:the )?(?:database|db|"
         r"store)\b|"

    # an application's own trust callback refused a valid token (a deny list)
    r"\buntrusted (?:authorization |access |bearer )?token\b")
# The user or session a valid token names is gone: not a validation step, whatever claim
# carried it ("User from sub claim in JWT does not exist").
_UNRELATED_STATE = Gated(
    r"\b(?:user|session|account)\b[^.]{0,40}?\b(?:does not exist|doesn't exist|"
    r"not found(?! in (?:the )?(?:[\w-]+ )?(?:token|jwt|payload|claims)\b)|"
    r"no longer exists|was deleted|is disabled|is locked|(?:is |marked as )?not active|"
    r"is inactive|(?:is )?invalid for)\b|"
    r"\bunable to (?:load|find) (?:an? |the )?user\b"
    r"(?! \w+ (?:property|field|attribute|claim) in\b)|"
    r"\b(?:csrf|xsrf) token\b|"
    r"\bdouble[- ]submit\b|\bclient[_ ]secret\b|\bauthorization grant\b|"
    r"\brevocation list\b|\b(?:deny|block) ?list\b|"
    # the client's own token request or authorization request
    r"\bpost\W+https?://\S+/token\b|"
    # an OIDC login's state parameter, one-time codes, a client's token cache, an SDK's
    # missing client id
    r"\bfailed[- ]to[- ]verify[- ]state\b|\bstate (?:has )?expired\b|\bstate violation\b|"
    r"\bstate mismatch\b|\binvalid state parameter\b|\bstate parameter in (?:the )?callback\b|"
    r"\bcallback state\b|"
    r"\b(?:device|authorization|verification|reset|otp|2fa|mfa) codes? (?:has |is )?"
    r"(?:expired|invalid)\b|\bexpired (?:device|authorization|verification|reset) code\b|"
    r"\b(?:tokens?|accounts?) not found in (?:the )?cache\b|\bmissing client id\b(?! claim)|"
    r"\btoken in (?:the )?(?:db|database|store)\b|\bnot found in (?:the )?(?:db|database)\b|"
    r"\bmagic[ -]?link\b|"
    r"\brefresh token (?:not found|does not exist)\b|"
    # the application's own settings
    r"\benv(?:ironment)? var(?:iable)?s? (?:is |are )?not set\b|"
    # the signing side: issuing a token, not validating one
    r"\b(?:while|when|for) signing (?:the |a )?(?:token|jwt)\b|"
    r"\b(?:failed|unable) to (?:sign|generate|create|issue|mint) (?:the |a |an )?"
    r"(?:access |id |refresh )?(?:token|jwt)\b|"
    # something else that expires: a session, a password, a TLS certificate
    r"\b(?:session|password|certificate|cert|cookie|subscription|license|licence|account|share|"
    r"invitation|invite)"
    r"[ -](?:has |is |was )?(?:expired|timed out)\b")
_MISSING_CLAIM_TUPLE = re.compile(r"\{:?missing claim,\s*\{?(?:<<)?\"([a-z][a-z ]*)\"")
_ERROR_CLAIM_LIST = re.compile(r"\{:?error,\s*\[:?(?:<<\")?([a-z][a-z ]*?)(?:\">>)?\]\}")
# ("Token is not active" outside Keycloak's TokenNotActiveException, which the catalogue
# reads, is how introspection-backed validators word active=false; "jwt not active" is
# jsonwebtoken's nbf)
_INACTIVE = re.compile(r"introspect|\bgrant\b|\bactive\W{1,3}false\b|"
                       r"\btoken (?:is )?not active\b(?! yet)")
_NOT_SIGNED = re.compile(r"\bnot signed\b(?! (?:by|with)\b)")
# Other names for the JOSE objects, read as their short forms.
_SYNONYMS = (("de-serializ", "deserializ"), ("jw ks", "jwks"), ("json web key set", "jwks"),
             ("json web key id", "key id"), ("json web key", "jwk"),
             ("json web token", "jwt"), ("json web signature", "jws"), ("not-before", "not before"),
             ("issued-at", "issued at"), ("key-id", "key id"), ("non-signed", "unsigned"),
             )
_TOKEN_CONTEXT = Gated(
    r"\bjwt\b|\bjwks?\b|\bbearer\b|\bid token\b|\baccess token\b|\bclaim\b")
_DISJUNCTION = Gated(
    # ("missing or malformed": both name a parse failure, no disjunction of steps)
    # (a claim missing or wrong is that claim's step: "Missing or invalid 'iss' claim")
    r"(?!(?:missing|invalid|empty) or (?:invalid|missing|empty)\s+(?:[\"'`]\w+[\"'`]|"
    r"\w+\s+(?:claim|header|field|parameter)\b|(?:claim|header|field|parameter)\s+[\"'`]\w+[\"'`]))"
    r"\b(?!missing or malformed\b|malformed or missing\b)"
    r"(?!missing (?:the )?(?:authorization|bearer|auth)\b)"
    r"(?:invalid|expired|malformed|revoked|missing)\b(?:\s+\w+){0,3}(?:,\s*[^,.;:]{1,60}?)*,?"
    # (not a JSON type's alternatives: "invalid type float64, array or string expected")
    r"\s+or\s+(?!(?:string|number|integer|array|object|boolean|null|list)\b)\w+|"
    r"\b(?!missing or malformed\b)"
    r"(?!(?:missing|invalid|empty) or (?:invalid|missing|empty)\s+(?:[\"'`]\w+[\"'`]|"
    r"\w+\s+(?:claim|header|field|parameter)\b|(?:claim|header|field|parameter)\s+[\"'`]\w+[\"'`]))"
    r"\w+\s+or\s+(?:has\s+|is\s+|was\s+)?"
    r"(?:expired|invalid|malformed|revoked)\b")
_VAGUE = Gated(
    r"\b401\b|unauthori[sz]ed|not authori[sz]ed|\baccess denied\b|unauthenticated|"
    r"not authenticated|"
    r"authentication (?:is )?required|"
    r"authentication (?:error|"
    r"failed|failure|required|credentials)|authorization required|invalid token|"
    r"\btoken (?:is )?(?:invalid|not valid)|invalid (?:jwt|bearer|access)|\bjwt\b|\bbearer\b|"
    r"\bcredentials\b|\baccess token\b|\binvalid authentication\b|authenticated user|"
    r"token verification|"
    r"verify (?:the )?token|\bclaims?\b|\btoken\b")

_SEGMENT = re.compile(r":\s+|\s+-\s+|;\s+|\n+")
# Identifiers with a lower-to-upper case change (class names, enum kinds, Go error names:
# JWTExpiredException, ExpiredSignature, ErrTokenNotValidYet, maxAge) are read as the words
# they are made of; upper-case codes (IDX10223) and lower-case words are left alone.
_CAMEL_IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*[a-z][A-Z][A-Za-z0-9]*\b")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


_DIGIT_BEFORE_WORD = re.compile(r"(?<=\d)(?=[A-Z][a-z])")


def _split_identifiers(text: str) -> str:
    # (a source position glued to a Rust error kind: "claims.rs:31:54ExpiredSignature")
    text = _DIGIT_BEFORE_WORD.sub(" ", text)
    return _CAMEL_IDENTIFIER.sub(lambda m: _CAMEL_BOUNDARY.sub(" ", m.group(0)), text)


@dataclass(frozen=True)
class Reading:
    """What the reader made of a message."""

    kind: str
    """"step" (one step decided), "vague" (candidate steps only), "unrelated" (not a token
    validation failure), "none" (nothing recognisable)."""
    step: str | None = None
    rule: str | None = None
    candidate_steps: tuple[str, ...] = ()
    decided_by: tuple[str, ...] = ()
    captured: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Hit:
    step: str
    rule: str
    words: str
    shadow: bool = False
    """Another phrase of a step that already has a hit: it can explain other hits away but
    is not itself shown."""
    weak: bool = False
    """Decides only when no other step's phrase is there (a value missing "in the JWT" is a
    claim unless the words name a part of the token: "missing signature in the token")."""


# A claim named as a JSON key of a quoted object ('{"alg":"RS256","typ":"JWT"}') or as the
# range of a search ("not valid for any token type") is not what failed.
# (.NET's "Keys tried: 'RsaSecurityKey, KeyId: …'" lists what was tried)
_CLAIM_CONTEXT_BEFORE = Gated(r"\bfor any\s*$|\bkeys tried\b")
_CLAIM_CONTEXT_AFTER = re.compile(r"^\s*:")
_IN_OBJECT = re.compile(r"[{,]\s*$")  # (not "Invalid 'kid': 'abc'")
# A claim labelling a value in brackets ("algorithm [RS256]", as Java logs quote values) is
# context.
_CLAIM_LABEL_AFTER = re.compile(r"^\s*(?:\[[^\]]{1,60}\]|https?://|=\s*[\w.-]+\s*$)")
# Claims listed with their values ("iss: https://idp/; kid: 0vYq3kQn;") are context
# beside the failure, not the failure.
_CLAIM_VALUE_AFTER = re.compile(
    r"^[\"'`]?\s*[:=]\s*(?:https?://|[\"'\d]|[\w.-]{6,}\s*(?:[;,)]|$)|"
    # ("based on alg: RS256, kid: orders-signing-2026 at …")
    r"[\w.+/-]{2,}(?=\s*[;,)]|\s+(?:at|for|in|and)\b))")
# A claim the reader has no step for, named in quotes ("claim 'cid' value … does not match").
_NAMED_CLAIM = Gated(r"\bclaim\s+\(?[\"'`](\w+)[\"'`]|[\"'`](\w+)[\"'`]\s+claim\b|"
                     r"\bclaim\s+\((\w[\w ]{0,30})\)")


def _claims_in(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    labels: list[tuple[str, str]] = []
    matches = list(_CLAIM.finditer(text))
    # (one claim with its value is usually the failing one: "InvalidKid: 2026-11-rsa")
    valued = [m for m in matches if _CLAIM_VALUE_AFTER.match(text[m.end():])]
    # (claims of one step compared by value are that step's failure: "iss='a' does not match
    # metadata issuer='b'")
    listing = len(valued) > 1 and len({_CLAIM_STEP.get(_CLAIM_WORDS[m.group(1)], ("claims",))[0]
                                       for m in valued}) > 1
    for m in matches:
        if m.group(0).startswith(("\"", "'")) and _CLAIM_CONTEXT_AFTER.match(text[m.end():]) \
                and _IN_OBJECT.search(text[:m.start()]):
            continue
        if listing and _CLAIM_VALUE_AFTER.match(text[m.end():]):
            continue
        if _CLAIM_CONTEXT_BEFORE.search(text[:m.start()]):
            continue
        if m.group(1) == "subject" and text[m.end():].startswith(" token"):
            continue  # RFC 8693's subject_token is a token, not the sub claim
        if re.search(r"\bjwk\s*(?:[\"'`]|[\"'`]\w+[\"'`]\s*\(?)?$", text[:m.start()]):
            continue  # a JWK's own parameter ('Invalid or unsupported JWK "alg"')
        if m.group(1) in ("issuer", "subject") and text[m.end():].startswith(" cert"):
            continue  # an X.509 issuer or subject ("unable to get local issuer certificate")
        if m.group(1) == "exp" and re.match(r"\s*mod\b", text[m.end():]):
            continue  # an RSA key's exponent and modulus ("extract_pub_key_from_exp_mod")
        if m.group(1) == "iat" and re.search(r"\borig\s*$", text[:m.start()]):
            continue  # django-graphql-jwt's origIat: its refresh window's start, not the iat
        if m.group(1) in ("kid", "key id") and re.search(r"\bfor\s*$", text[:m.start()]):
            continue  # "… does not match algorithm of this JWT for kid: k1" names the key
        if text[m.end():].startswith("=") and re.search(r"[(,]\s*(?:[\w ]+=[^,()]*,\s*)*$",
                                                          text[:m.start()]):
            continue  # request context in key=value pairs ("(realm=a, client_id=b)")
        named = (_CLAIM_WORDS[m.group(1)], m.group(0))
        (labels if _CLAIM_LABEL_AFTER.match(text[m.end():]) else found).append(named)
    # A labelled value is the subject only when nothing else is named ("token audience [a]
    # does not match any expected audience [b]"; not "NoSuchKeyId: algorithm [RS256]").
    return found or labels


def _compared_claims(text: str, hits: list[_Hit]) -> list[_Hit]:
    """Hits of claims compared with one another: the one checked decides."""
    named_claims = {claim for claim, _ in _claims_in(text)}
    if "client_id" in named_claims and "aud" in named_claims:
        # "aud does not match the client id": the client id is what aud is compared with
        hits = [h for h in hits if not (h.step == "claims" and "client id" in h.words)]
    if "azp" in named_claims and hits:
        # "authorized party should match client id", "Mismatch between azp and aud claims":
        # the client id or aud is what azp is compared with; the azp check failed.
        hits = [h for h in hits if h.step != "audience"] or hits
        if not any(h.step == "claims" for h in hits):
            hits.append(_Hit("claims", "DC311", "azp"))
    return hits


def _claim_hits(text: str, missing: re.Match[str] | None, negative: re.Match[str] | None,
                expired: re.Match[str] | None, early: re.Match[str] | None) -> list[_Hit]:
    """Claims the text names with a word that says what is wrong with them."""
    hits: list[_Hit] = []
    for claim, words in _claims_in(text):
        if missing:
            step, rule = _MISSING_STEP.get(claim, ("claims", "DC311"))
            hits.append(_Hit(step, rule, f"{missing.group(0)} … {words}"))
        elif claim in _CLAIM_STEP and (negative or (claim in ("exp", "nbf", "iat") and (
                expired or early))):
            step, rule = _CLAIM_STEP[claim]
            if claim == "exp" and early and not expired:
                rule = "DC307"
            cue = negative or expired or early
            assert cue is not None
            hits.append(_Hit(step, rule, f"{words} … {cue.group(0)}"))
        elif claim in ("sub", "scope", "azp", "cnf", "jti", "nonce", "at_hash",
                       "auth_time", "acr", "amr", "tid", "client_id", "sid") and negative:
            hits.append(_Hit("claims", "DC311", f"{words} … {negative.group(0)}"))
            if claim == "client_id":
                # a client id alone is the expected aud as often as a claim of its own (the
                # corpus's authors split evenly): both are candidates
                hits.append(_Hit("audience", "DC310", f"{words} … {negative.group(0)}"))
    hits = _compared_claims(text, hits)
    named = _NAMED_CLAIM.search(text) if negative and not hits else None
    if named and negative and (named.group(1) or named.group(2) or named.group(3)) \
            not in _CLAIM_WORDS:
        hits.append(_Hit("claims", "DC311", f"{named.group(0)} … {negative.group(0)}"))
    some_claim = _SOME_CLAIM.search(text) if missing and not hits else None
    if missing and some_claim:
        # "is missing required claim(s)" without naming one: some claim, not the token.
        hits.append(_Hit("claims", "DC311", f"{missing.group(0)} … {some_claim.group(0)}"))
    elif missing and not hits:
        # "No Drupal uid was provided in the JWT payload", "UserId (uid) not provided by the
        # received JWT": a value the application needs is absent from the token's claims.
        inside = _IN_TOKEN.search(text)
        if inside:
            hits.append(_Hit("claims", "DC311", f"{missing.group(0)} … {inside.group(0)}",
                             weak=True))
    return hits


# A colon that introduces the subject's predicate ("Invalid token specified: must be a
# string") keeps one clause, as does a label before its detail ("JWK set: unexpected
# format"); "… to verify JWT signature: Error loading jwks" joins two.
_PREDICATE_AFTER_COLON = Gated(r":\s+(?!(?:must|should|has to|is|was|are)\b|\d)")
_CLAUSE_START = re.compile(r"(?:^|:\s+|\n)$")


def _one_clause(text: str, match: re.Match[str]) -> bool:
    return (not _PREDICATE_AFTER_COLON.search(match.group(0))
            or bool(_CLAUSE_START.search(text[:match.start()])))


# The network failed, whatever the wrapper calls what was being fetched: in a token's
# validation that is the metadata, the key set or the introspection endpoint; unless the
# text names another service (a session store, a database).
_NETWORK_FAILURE = Gated(
    r"\bconnection (?:refused|reset|timed? ?out)\b|\bactively refused\b|"
    r"\b(?:econnrefused|econnreset|enotfound|etimedout|ehostunreach|getaddrinfo)\b|"
    r"\bcurl error\b|\bfailed to open tcp connection\b|\bno such host\b|\bi/o timeout\b|"
    r"\bdial tcp\b|\bname or service not known\b|\bname resolution\b|"
    r"\b(?:request failed with status code|http status) [45]\d\d\b|\bsocket ?(?:error|timeout)\b|"
    r"\bunknown ?host ?exception\b|\bconnect ?exception\b|\bsocket ?timeout ?exception\b|"
    r"\b(?:unable|failed) to (?:update|refresh) (?:the )?(?:jwks?|jwk set|key ?set|keys)\b|"
    r"\bnot returned from (?:the )?url\b|\b(?:the )?connection to https?://\S+ failed\b|"
    r"\bnon-2xx\b|"
    # (openid-client 6 / oauth4webapi's words for any endpoint's non-2xx answer; an
    # identity provider's lookup answered 404)
    r"\bunexpected http response status code\b|"
    r"\b(?:getting|fetching|retrieving|loading) (?:the )?(?:issuer|provider|configuration|"
    r"metadata|jwks|keys)\b[^:]{0,40}: [45]\d\d\b|"
    # (jwks-rsa's JwksError carries the key set's HTTP status text)
    r"\b(?:jwks?|jwk ?set|key ?set|keys|certs|metadata|discovery|openid ?configuration) ?"
    r"(?:error|exception)\W{1,3}(?:not found|internal server error|bad gateway|"
    r"service unavailable|gateway time-?out|forbidden)\b|"
    r"\bcouldn'?t resolve host\b|\bfailed to connect to\b|\bnetwork ?error\b|"
    r"\bresponded with an? (?:invalid|unexpected|bad|error|unsuccessful) status\b|"
    r"\bmax retries exceeded\b|\b(?:connect|read) ?timeout\b|"
    r"\bhttp request failed\b|\bresponded with an error\b|\bdue to an? http error\b|"
    r"\bdue to cache expiration\b|\bnon-success status\b|"
    r"\b(?:unable|failed) to reach (?:the )?(?:identity provider|idp|authorization server|"
    r"issuer)\b|"
    r"\bnet::err\b|\bname not resolved\b|\b(?!40[13])[45]\d\d http status\b|"
    r"\b(?:configuration|metadata|discovery|jwks?) request failed\b|"
    r"\b(?:key|keys|jwks|certs?) request\b.{0,30}\b(?:404|5\d\d)\b|\bhttp (?:get |"
    r"post )?error\W{1,3}(?!40[13])[45]\d\d\b|"
    r"\bstatus\s*\(?\s*(?!40[13])[45]\d\d\b|"
    r"\b(?:failed|unable|could not|couldn'?t) (?:to )?discover\b|\bcould not send request\b|"
    r"\bhttp response\b.{0,160}\b(?:was|returned|status) (?!40[13])[45]\d\d\b|"
    r"\b(?:did not|didn't) respond in time\b|\bconnection ?error\b|\bfetch failed\b|"
    r"\berror while getting https?://|\bfailed to discover\b|"
    r"\b(?:openid[_ ]config|endpoints[_ ]resolution) error\b|"
    r"\b(?:jwks?|keys|key ?set)\b.{0,10}\b(?:never|not|was not|wasn't) (?:been )?fetched\b|"
    r"\b(?:can'?t|cannot|unable to|could not) connect\b|\bhttp[_ ]error\W{1,3}(?!40[13])[45]\d\d\b|"
    r"\b(?:http|request)\w*(?:exception|error)\W{1,3}(?!40[13])[45]\d\d\b")
_OTHER_SERVICE = Gated(
    r"\bsession\b|\bdatabase\b|\bredis\b|\bpostgres|\bmysql\b|\bmongo|\bsmtp\b|"
    r":(?:5432|6379|3306|27017)\b")
# (a bare "connection refused" could be any service's)
_IDP_CONTEXT = Gated(
    r"\bjw[tks]s?\b|\btoken\b|\boidc\b|\bopenid|\boauth|\bkeys?\b|\bissuer\b|\bdiscovery\b|"
    r"\bmetadata\b|well-known|\bidp\b|introspect|\bcert(?:s|ificates?)?\b|\bauth|"
    r"\bopen ?id\b|\bsso\b|\bkeycloak\b|\bokta\b|\bauth0\b|\bcognito\b|\bidentity\b")


def _hits(text: str) -> list[_Hit]:
    """Every decisive phrase in `text` (lower case) with the step it names."""
    missing, negative = _MISSING.search(text), _NEGATIVE.search(text)
    expired, early, other = (_TIME_EXPIRED.search(text), _TIME_EARLY.search(text),
                             _TIME_OTHER.search(text))
    hits = _claim_hits(text, missing, negative, expired, early)
    named = {claim for claim, _ in _claims_in(text)}
    if expired and "nonce" in named and not named & {"exp", "iat", "nbf"}:
        # "The 'nonce' has expired": the nonce check's own window, not the token's lifetime
        hits.append(_Hit("claims", "DC311", f"nonce … {expired.group(0)}"))
        expired = None
    if expired and not any(h.step == "time" for h in hits):
        hits.append(_Hit("time", "DC306", expired.group(0)))
    if early and not any(h.step == "time" for h in hits):
        hits.append(_Hit("time", "DC307", early.group(0)))
    if other and not any(h.step == "time" for h in hits) and negative:
        hits.append(_Hit("time", "DC307", f"{other.group(0)} … {negative.group(0)}"))
    network = _NETWORK_FAILURE.search(text)
    if network and _IDP_CONTEXT.search(text) and not _OTHER_SERVICE.search(text):
        hits.append(_Hit("fetch", "DC010", network.group(0)))
    for pattern, step, rule in _PHRASES:
        # (a phrase read across a wrapper's boundary joins two clauses that were never one
        # sentence: "to verify JWT signature: Error loading jwks" is no signature failure)
        # Network failures are reported as such chains ("Get \"https://…/jwks\": dial tcp:
        # connect: connection refused") and keep them.
        found = pattern.search(text) if step == "fetch" else next(
            (m for m in pattern.finditer(text) if _one_clause(text, m)), None)
        if found and not any(h.step == step for h in hits):
            hits.append(_Hit(step, rule, found.group(0)))
        elif found:
            # (kept for the resolution only: "invalid signature algorithm" holds "invalid
            # signature", which is then the algorithm's, even when a claim decided the step)
            hits.append(_Hit(step, rule, found.group(0), shadow=True))
    return hits


_SET_CONTENT = re.compile(r"no keys (?:were )?found in|individual key|jwks (?:unsupported|key id)|"
                          r"in (?:the )?fetched (?:jwk ?set|jwks|key ?set)|duplicate|"
                          r"jwks? found (?:in|inside)|for a jwk")
_GENERIC_CLAIMS = re.compile(
    r"^claims? (?:verification|validation|check)|claims? (?:are|is|were|was) (?:invalid|not valid)|"
    r"(?:validation|verification) (?:error|failure|failed) for|claim check|claim not found|"
    r"claim (?:value )?mismatch")


def _specific_over_general(hits: list[_Hit]) -> list[_Hit]:
    """A phrase inside a longer one of another step is that phrase's ("verification key is
    malformed": the key, not the token's shape); a time phrase explains a signature phrase
    beside it; a token's kind is told by its claims; a key set or metadata that cannot be
    used explains a parse or issuer phrase ("failed to decode JWK Set response", "metadata
    issuer … does not match"); a missing key explains the key set and the signature."""
    # ("decoding of JWKS error": the key set's decoding, not the token's)
    hits = [h for h in hits if not (h.step == "parse" and any(
        o.step in ("jwks", "discovery") and o.words in h.words for o in hits))]
    hits = [h for h in hits if not any(h.step != o.step and h.words in o.words and
                                       len(o.words) > len(h.words) for o in hits)]
    hits = [h for h in hits if not h.shadow]
    if any(" … " in h.words and h.step != "claims" for h in hits):
        # "exp claim check failed": the named claim's check, not claims in general.
        hits = [h for h in hits if not (h.step == "claims" and _GENERIC_CLAIMS.search(h.words))]
    steps = {h.step for h in hits}
    if "time" in steps and steps & _EXPLAINED_BY_TIME:
        hits = [h for h in hits if h.step not in _EXPLAINED_BY_TIME]
    if "token-type" in steps and "claims" in steps:
        hits = [h for h in hits if h.step != "claims"]
        steps = {h.step for h in hits}
    if steps & {"jwks", "discovery"} and steps & {"parse", "issuer"}:
        hits = [h for h in hits if h.step not in ("parse", "issuer")]
        steps = {h.step for h in hits}
    if "discovery" in steps and "jwks" in steps and all(
            re.search(r"\bjwks (?:uri|url)\b", h.words) for h in hits if h.step == "jwks"):
        # ("jwks_uri cannot be empty": the discovery document's field, not the key set)
        hits = [h for h in hits if h.step != "jwks"]
        steps = {h.step for h in hits}
    if "key" in steps and "jwks" in steps:
        hits = [h for h in hits if h.step != ("key" if any(
            h.step == "jwks" and _SET_CONTENT.search(h.words) for h in hits) else "jwks")]
    if "key" in steps and "signature" in steps:
        hits = [h for h in hits if h.step != "signature"]
    if "key" in steps and "algorithm" in steps and any(
            h.step == "algorithm" and "when using" in h.words for h in hits):
        # "secretOrPublicKey must be an asymmetric key when using RS256": the alg asks for
        # another kind of key (DC303)
        hits = [h for h in hits if h.step != "key"]
    return hits


def _wrappers_give_way(hits: list[_Hit], steps: set[str]) -> list[_Hit]:
    """Words that wrap another check's failure give way to it."""
    if "parse" in steps and len(steps) > 1 and all(
            _HEADER_WRAPPER.fullmatch(h.words) for h in hits if h.step == "parse"):
        # "Invalid Authorization header. JWT too old.", "Invalid Header (missing 'typ'
        # element)": the header that carried the failure, not the failure
        hits = [h for h in hits if h.step != "parse"]
    if "key" in steps and "parse" in steps and any(
            h.step == "key" and re.search(r"\b(?:pars|decod|read)", h.words) for h in hits):
        # "failed to parse the PEM file": the key material could not be read, not the token.
        hits = [h for h in hits if h.step != "parse"]
    if "key" in steps and "parse" in steps and any(
            h.step == "parse" and "not found" in h.words for h in hits):
        # "the signing key associated to the token was not found": the key is missing.
        hits = [h for h in hits if h.step != "parse"]
    if "signature" in steps and len(steps) > 1 and any(
            h.step == "signature" and h.words.startswith("verification") for h in hits):
        # A bare "verification failed" after a claim or a named check ("Nonce verification
        # failed", "Claims verification failed") is that check's, not the signature's.
        hits = [h for h in hits if h.step != "signature"]
    if "signature" in steps and len(steps) > 1 and not any(
            h.step == "signature" and re.search(r"signature|hmac|crypt|tamper|forged|integrity",
                                                h.words) for h in hits):
        # "Failed to verify access_token hash": the verification of what the other words
        # name, not of the signature.
        hits = [h for h in hits if h.step != "signature"]
    if "fetch" in steps:  # "failed to fetch the JWKS": not the keys' content
        hits = [h for h in hits if h.step not in ("key", "jwks", "signature", "parse")]
    if "parse" in steps and len(steps) > 1 and any(
            h.step == "parse" and ("decod" in h.words or "pars" in h.words) for h in hits):
        # "failed to decode the Jwt: <reason>" wraps the real reason.
        hits = [h for h in hits if h.step != "parse"]
    return hits


_HEADER_WRAPPER = re.compile(
    r"(?:invalid|bad) (?:bearer |jose |jwt |token )?(?:authorization(?: header)?|header)")
_POSITION = re.compile(r"line:? \d+,? column:? \d+")


def _resolved(hits: list[_Hit]) -> list[_Hit]:
    """Drop hits another, more specific hit explains."""
    if any(h.weak for h in hits) and any(not h.weak and not h.shadow for h in hits):
        hits = [h for h in hits if not h.weak]
    hits = _specific_over_general(hits)
    steps = {h.step for h in hits}
    if "parse" in steps and len(steps) > 1 and all(
            _POSITION.fullmatch(h.words) for h in hits if h.step == "parse"):
        # A decoder's position ("line: 1, column: 73") beside a named failure ("missing field
        # `exp`") only says where it was read.
        hits = [h for h in hits if h.step != "parse"]
        steps = {h.step for h in hits}
    if "parse" in steps and len(steps) > 1 and all(
            _DECODER_RE.search(h.words) for h in hits if h.step == "parse") and any(
            " … " in h.words and h.step not in ("parse", "jwks") for h in hits):
        # A decoder that names the claim it missed ("missing field `iat` at line 1 column
        # 52"): the claim's check, the decoder being where the library performs it.
        return [h for h in hits if h.step != "parse"]
    if "parse" in steps and len(steps) > 1 and any(
            h.step == "parse" and _DECODER_RE.search(h.words) for h in hits):
        # "missing field `alg` at line 1 column 15": the decoder failed, not the check; the
        # key set's decoder ("JwksSerialisationError: missing field `keys`") is the JWKS's.
        decoded = "jwks" if "jwks" in steps else "claims" if any(
            h.step == "claims" and re.search(r"\bclaims?\b", h.words) for h in hits) else "parse"
        return [h for h in hits if h.step == decoded]
    return _wrappers_give_way(hits, steps)


def _captured(text: str) -> dict[str, str]:
    from driftcheck.diagnose.values import quoted_values

    return quoted_values(text)


_NETWORK = Gated(
    r"connect|refused|time ?out|timed out|dial|\btcp\b|\bdns\b|no such host|unreachable|"
    r"status|\bhttps?\b|\b[1-5]\d\d\b|\btls\b|\bssl\b|x509|certificate|econn|enotfound|"
    r"getaddrinfo|\beof\b|reset|socket|response|resolv|network|host|deadline|request|"
    r"not found|internal server error|bad gateway|service unavailable|forbidden|retr(?:y|ies)|"
    r"well-known|\burl\b")


def _decided(step: str, rule: str, words: Iterable[str], captured: Mapping[str, str]) -> Reading:
    """A one-step reading."""
    return Reading("step", step, rule, (step,), tuple(words), captured)


def _unexplained_detail(inner: list[str]) -> bool:
    """Whether the parts after a wrapper hold words of their own, none about the network."""
    detail = " ".join(inner)
    return (not _NETWORK.search(detail) and not _NETWORK_FAILURE.search(detail)
            and len(re.findall(r"\b[a-z]{3,}\b", detail)) >= 2)


_DECODE_VERB = re.compile(r"decod|pars")
# A decoder of the token's claims ("Cannot deserialize claims: …"), and a claim reading decided
# only by words for "some claim is missing".
_CLAIMS_DECODER = re.compile(r"\b(?:deserializ|decod|pars)\w* (?:the )?(?:jwt |token )?claims\b")
_SOME_CLAIM_MISSING = re.compile(r"^missing … claims?$")
# The discovery document named as what was being read ("error fetching OIDC configuration:
# missing issuer value"); the token's own iss is then not what the words are about.
_DISCOVERY_CONTEXT = re.compile(
    r"\b(?:oidc|openid|provider|discovery) (?:configuration|metadata|document)\b|"
    r"openid-configuration|\bdiscovery (?:document|response|object)\b|\bwell-known\b|"
    r"\bprovider discovery\b|\bprovider ?config\b|"
    r"\bprovider information\b")
_TOKEN_ISSUER = re.compile(r"\biss\b|\bclaim|\b(?:token|jwt)(?:'s)? issuer\b")
_HTML_PAGE = re.compile(r"character '+<'+|'<' \(code 60\)|unexpected token '?<'?|<!doctype|<html")
# Words that say the token's shape was wrong, beside a decode or parse verb.
_STRUCTURE = re.compile(r"segment|base64|dots?\b|parts?\b|json|format|malformed|header|compact|"
                        r"missing|empty|null|absent|required|serializ|column|character|byte|"
                        r"encod|string|structure|chunk|component|request|payload|"
                        r"\bas (?:an? )?(?:jwt|jws)\b")


def _read_suffix(suffix: str, inner: list[str], lowered: str, text: str) -> Reading | None:
    """The reading of the message from one part to its end (`inner`: the parts after the
    first), or None when its words name no step."""
    hits = _resolved(_hits(suffix))
    steps = [s for s in ORDER if any(h.step == s for h in hits)]
    if steps == ["parse"] and _KEY_SET.search(lowered) and all(
            (_DECODER_RE.search(h.words) or "base64" in h.words or "pars" in h.words
             or "format" in h.words or "json" in h.words)
            and not re.search(r"\b(?:token|jwt|jws)\b", h.words) for h in hits):
        # A JSON decoder's failure inside a key set's wrapper ("JwksSerialisationError:
        # missing field `keys` at line 1 column 2") is the key set's, not the token's.
        hits, steps = [_Hit("jwks", "DC201", h.words) for h in hits], ["jwks"]
    if steps == ["parse"] and re.search(
            r"\b(?:decod|pars|read|load|import)\w* (?:the )?(?:[\w-]+ )?(?:public|private|"
            r"signing|verification) key\b", lowered) and all(
            ("base64" in h.words or _DECODER_RE.search(h.words))
            and not re.search(r"\b(?:token|jwt|jws)\b", h.words) for h in hits):
        # A decoder's failure under a wrapper that was decoding key material ("Could not
        # decode Ed25519 public key from base64: Base64 error: Invalid symbol"): the key's.
        return _decided("key", "DC304", (h.words for h in hits), _captured(text))
    if steps == ["key"] and _KEY_SET.search(lowered) and all(
            re.search(r"pars|decod|import|load|convert|unsupported (?:jwk |ec |rsa |okp )?key type",
                      h.words) for h in hits):
        # Key material of a key set that cannot be read ("KeySourceError: Unable to parse
        # X509 certificates"): the set's content, not a missing key.
        return _decided("jwks", "DC201", (h.words for h in hits), _captured(text))
    if steps == ["parse"] and _HTML_PAGE.search(lowered) and any(
            _DECODER_RE.search(h.words) for h in hits):
        # A JSON decoder that met '<' read an HTML page (an error or login page) where a key
        # set or a metadata document was expected: a token is base64url, never '<'.
        if _DISCOVERY_CONTEXT.search(lowered) or re.search(r"\bmetadata\b", lowered):
            return _decided("discovery", "DC101", (h.words for h in hits), _captured(text))
        return _decided("jwks", "DC201", (h.words for h in hits), _captured(text))
    if steps == ["parse"] and all(_DECODE_VERB.search(h.words) for h in hits) and \
            not _STRUCTURE.search(suffix):
        # "failed to decode JWT", "unable to parse token": many libraries verify while they
        # decode, so the verb alone does not say the token's shape was wrong (measured on
        # three unseen splits: such answers were right about one time in two).
        return Reading("vague", None, None, VAGUE_CANDIDATES, tuple(h.words for h in hits),
                       _captured(text))
    if steps == ["fetch"] and _unexplained_detail(inner):
        # "couldn't get json web key: priv/pub JSON Web Key mismatch": getting the key
        # failed for a reason the detail gives and no network words explain; the key set
        # or the key may be at fault as much as the fetch.
        return Reading("vague", None, None, ("fetch", "jwks", "key"),
                       tuple(h.words for h in hits), _captured(text))
    if len(steps) == 1:
        decisive = [h for h in hits if h.step == steps[0]]
        return _decided(steps[0], decisive[0].rule, (h.words for h in decisive),
                        _captured(text))
    if len(steps) > 1:
        return Reading("vague", None, None, tuple(steps), tuple(h.words for h in hits),
                       _captured(text))
    return None


def claim_reading(text: str, *, missing: bool) -> Reading | None:
    """The step of the first claim `text` names, as a missing or a wrong claim."""
    claims = _claims_in(text.lower().replace("_", " "))
    if not claims:
        return None
    claim, words = claims[0]
    step, rule = (_MISSING_STEP if missing else _CLAIM_STEP).get(claim, ("claims", "DC311"))
    return Reading("step", step, rule, (step,), (words,))


def disjunction(text: str) -> str | None:
    """A list of failures in `text` ("invalid or expired"), lower case, if it has one."""
    found = _DISJUNCTION.search(_split_identifiers(text).lower().replace("_", " "))
    return found.group(0) if found else None


_BARE_ALTERNATIVE = re.compile(
    r"(?:(?:is|was|either|the|token|jwt) )*(?:missing|empty|absent|blank|invalid|not valid|"
    r"not present)")


def _clause_of(text: str, match: re.Match[str]) -> str:
    """The clause around `match`: from the separator before it to the one after it."""
    marks = (":", ";", "\n", ". ")
    start = max(text.rfind(mark, 0, match.start()) for mark in marks) + 1
    ends = [found for mark in marks if (found := text.find(mark, match.end())) >= 0]
    return text[start:min(ends, default=len(text))]


def _one_step_alternatives(listed: str) -> bool:
    """Whether every alternative of a list that names a step names the same one ("Base64
    decoding failed or invalid json": both the token's shape), or the others only say the
    thing is absent or wrong ("The token's subject is missing or is invalid"), so it is no
    list of steps."""
    steps: list[str] = []
    bare_only = True
    claimed = False
    for alternative in (a.strip(" .,;:!") for a in re.split(r",|\bor\b", listed)):
        hits = _resolved(_hits(alternative))
        named = {h.step for h in hits}
        if len(named) > 1:
            return False
        bare_only = bare_only and bool(named or _BARE_ALTERNATIVE.fullmatch(alternative))
        steps += named
        claimed = claimed or any(" … " in h.words for h in hits)
    return len(set(steps)) == 1 and (len(steps) > 1 or (claimed and bare_only))


def _read_before_the_words(lowered: str, text: str) -> Reading | None:
    """What the whole text says before its words are read: a state that is no validation
    failure, an unrelated subject, or one claim named in an error list."""
    state = _UNRELATED_STATE.search(lowered)
    if state:
        return Reading("unrelated", decided_by=(state.group(0),))
    unrelated = _UNRELATED_HARD.search(lowered)
    if unrelated and not _TOKEN_CONTEXT.search(lowered):
        return Reading("unrelated", decided_by=(unrelated.group(0),))
    tupled = _MISSING_CLAIM_TUPLE.search(lowered)
    if tupled:
        # oidcc's {error,{missing_claim,<<"exp">>,Claims}}: the first term is the claim; the
        # map after it is the token's claims.
        named = claim_reading(tupled.group(1), missing=True)
        if named is not None:
            return Reading("step", named.step, named.rule, named.candidate_steps,
                           (tupled.group(0),), _captured(text))
    listed = _ERROR_CLAIM_LIST.search(lowered)
    if listed and listed.group(1) in _CLAIM_WORDS:
        # Erlang and Elixir libraries answer the one claim check that failed as a list
        # ("{error,[exp]}", "{:error, [:iat]}"); two or more claims stay a list of failures.
        named = claim_reading(listed.group(1), missing=False)
        if named is not None:
            return Reading("step", named.step, named.rule, named.candidate_steps,
                           (listed.group(0),), _captured(text))
    return None


# A JWK of the set that lacks a member or has one of an unknown kind ("JWK does not contain
# an algorithm", "Unable to find kid inside JWK", "JSON Web Key … The KeyType (kty): <oct> is
# unknown"): the key set's content, not the token's kid or alg. ("in the JWK set" and "JWKS"
# are the set, which the key words then name rightly.)
_JWK_MEMBER = Gated(
    r"\bjwk\b(?! ?set)[^.\n]{0,60}\b(?:does not contain|doesn'?t contain|did not contain|"
    r"is missing|has no|lacks|without)\b|"
    r"\b(?:missing|no|unknown|unsupported)\b[^.\n]{0,30}\b(?:in|inside|from|of) (?:the |a |this )?"
    r"jwk\b(?! ?set)|\binside (?:the |a )?jwk\b(?! ?set)|"
    r"\bjwk\b[^.\n]{0,60}\b(?:kty|key ?type)\b[^.\n]{0,30}\b(?:unknown|unsupported|not supported)")


def _in_context(reading: Reading, lowered: str) -> Reading:
    """`reading`, corrected by what the whole text says it was about."""
    about_keys = reading.step in ("key", "algorithm") or (
        reading.kind == "vague" and bool(reading.candidate_steps)
        and set(reading.candidate_steps) <= {"key", "algorithm", "jwks"})
    if about_keys and _JWK_MEMBER.search(lowered):  # (synonyms applied: "json web key" is "jwk")
        return Reading("step", "jwks", "DC201", ("jwks",), reading.decided_by,
                       reading.captured)
    if _INACTIVE.search(lowered) and reading.step == "time" and all(
            "active" in words for words in reading.decided_by):
        # An introspection answer or a grant that is "not active" (RFC 7662 active=false)
        # may be expired, revoked or unknown: no one step.
        return Reading("vague", None, None, ("time",), reading.decided_by, reading.captured)
    if reading.step == "claims" and all(_GENERIC_CLAIMS.search(w) or _SOME_CLAIM_MISSING.search(w)
                                        for w in reading.decided_by):
        # "GetJwtIssuer failed: claim not found": the claim the wrapper names is the one.
        named = _claims_in(lowered)
        if len({claim for claim, _ in named}) == 1:
            missing = any(re.search(r"not found|missing", w) for w in reading.decided_by)
            step, rule = (_MISSING_STEP if missing else _CLAIM_STEP).get(
                named[0][0], ("claims", "DC311"))
            return _decided(step, rule, (*reading.decided_by, named[0][1]), reading.captured)
    if reading.step == "parse" and all(_DECODER_RE.search(w) for w in reading.decided_by) and \
            _CLAIMS_DECODER.search(lowered) and re.search(r"\bmissing field\b", lowered):
        # "Cannot deserialize claims: missing field `role` at line 1 column 58": the claims
        # the application needs, not the token's shape
        return _decided("claims", "DC311", reading.decided_by, reading.captured)
    if _DISCOVERY_CONTEXT.search(lowered) and (
            # ("Error parsing instance discovery response. Data must be in valid JSON format")
            (reading.step == "parse" and not re.search(r"\b(?:token|jwt|jws)\b", lowered))
            # the issuer the discovery document gives (or lacks), not the token's
            or (reading.step == "issuer" and not _TOKEN_ISSUER.search(lowered))):
        return _decided("discovery", "DC101", reading.decided_by, reading.captured)
    return reading


def read(text: str) -> Reading:
    """The step `text` talks about, innermost wording first."""
    # Codes and log keys spell words with underscores (Jwt_verification_fails, bad_signature),
    # class names in CamelCase (JWTExpiredException).
    lowered = _split_identifiers(text).lower().replace("_", " ")
    for long, short in _SYNONYMS:
        lowered = lowered.replace(long, short)
    # ("not signed by the trusted operator" is signed, by someone else)
    lowered = _NOT_SIGNED.sub("unsigned", lowered)
    early = _read_before_the_words(lowered, text)
    if early is not None:
        return early
    disjunction = _DISJUNCTION.search(lowered)
    if disjunction and _one_step_alternatives(_clause_of(lowered, disjunction)):
        disjunction = None
    parts = [p for p in _SEGMENT.split(lowered) if p.strip()]
    for start in range(len(parts) - 1, -1, -1):
        suffix = ": ".join(parts[start:])
        if disjunction and disjunction.group(0) in suffix:
            break
        reading = _read_suffix(suffix, parts[start + 1:], lowered, text)
        if reading is not None:
            return _in_context(reading, lowered)
    soft = _UNRELATED_SOFT.search(lowered)
    if soft and not disjunction:
        return Reading("unrelated", decided_by=(soft.group(0),))
    if disjunction:
        return Reading("vague", candidate_steps=VAGUE_CANDIDATES,
                       decided_by=(disjunction.group(0),), captured=_captured(text))
    vague = _VAGUE.search(lowered)
    if vague:
        return Reading("vague", candidate_steps=VAGUE_CANDIDATES,
                       decided_by=(vague.group(0),), captured=_captured(text))
    return Reading("none")
