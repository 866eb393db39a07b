"""Builders for ingest fixtures that are binary (Parquet, WARC) and so are written per test."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def write_warc():
    """write_warc(path, [(uri, html or bytes, content_type, warc_date)], gzip=False)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def write(path: Path, responses, gzip: bool = False, with_requests: bool = True) -> Path:
        with path.open("wb") as out:
            writer = WARCWriter(out, gzip=gzip)
            for uri, body, content_type, warc_date in responses:
                if with_requests:
                    request = writer.create_warc_record(
                        uri,
                        "request",
                        payload=io.BytesIO(b""),
                        http_headers=StatusAndHeaders(
                            f"GET {uri} HTTP/1.1", [("Host", "x")], is_http_request=True
                        ),
                        warc_headers_dict={"WARC-Date": warc_date},
                    )
                    writer.write_record(request)
                payload = body.encode("utf-8") if isinstance(body, str) else body
                headers = StatusAndHeaders(
                    "200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    uri,
                    "response",
                    payload=io.BytesIO(payload),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": warc_date},
                )
                writer.write_record(record)
        return path

    return write


@pytest.fixture
def write_parquet():
    """write_parquet(path, {column: values}) with pyarrow."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(path: Path, columns: dict) -> Path:
        pq.write_table(pa.table(columns), path)
        return path

    return write
