"""The ``dancu`` command line.

Thin commands: parse options, build the config once, call one ``run_*`` function and turn
domain errors into exit codes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from pipelines.config import PROFILES, Config, ConfigError, DefectRates, load_config
from pipelines.errors import DancuError
from pipelines.progress import Progress

__all__ = ["cli", "main"]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_CONFIG = Path("dancu.toml")


def config_option(fn: F) -> F:
    """Add the ``--config FILE`` option shared by every command."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Settings file (default: ./dancu.toml if it exists).",
    )(fn)


def quiet_option(fn: F) -> F:
    """Add the ``--quiet`` option that silences progress lines."""
    return click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")(fn)


def debug_option(fn: F) -> F:
    """Add the ``--debug`` option: print the (masked) traceback of an internal error."""
    return click.option(
        "--debug",
        is_flag=True,
        help="On an internal error also print the traceback (values masked).",
    )(fn)


def wait_option(fn: F) -> F:
    """Add the ``--wait`` option: wait for another command writing the same folder."""
    return click.option(
        "--wait",
        is_flag=True,
        help="If another dancu command is writing the same folder, wait for it instead of "
        "stopping with exit code 2.",
    )(fn)


@contextmanager
def guarded(command: str, out: Path, progress: Progress, debug: bool) -> Iterator[None]:
    """Turn errors into exit codes and plain messages.

    dancu's own errors exit 2 with their message; anything else is a bug: exit 3, one plain
    line, and a masked crash report beside ``out``.
    """
    try:
        yield
    except DancuError as exc:
        fail(exc)
    except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        raise
    except KeyboardInterrupt:
        click.echo(f"interrupted: the last good outputs in {out} are untouched", err=True)
        sys.exit(130)
    except Exception as exc:
        from pipelines.crash import crash_report_text, write_crash_report

        stage = progress.current
        text = crash_report_text(exc, command, stage, sys.argv[1:])
        report = write_crash_report(out, text)
        where = f"in stage '{stage}'" if stage else "before any stage started"
        if stage is None and progress.last:
            where = f"after stage '{progress.last}'"
        if debug:
            click.echo(text, err=True)
        click.echo(
            f"error: internal error {where} ({type(exc).__name__}); the last good outputs in "
            f"{out} are untouched. "
            + (
                f"Crash report (values masked) for the dancu developers: {report}"
                if report
                else "The crash report could not be written; run again with --debug"
            ),
            err=True,
        )
        sys.exit(3)


def build_config(config_path: Path | None) -> Config:
    """Return the config from ``--config`` or ``./dancu.toml``; exit 2 with a message if bad."""
    path = config_path
    if path is None and DEFAULT_CONFIG.exists():
        path = DEFAULT_CONFIG
    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def parse_date(value: str | None, option: str) -> dt.date | None:
    """Return ``value`` as a date, or raise a usage error naming ``option``."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint=option) from None


def parse_rates(items: tuple[str, ...], base: DefectRates) -> DefectRates:
    """Return ``base`` with ``NAME=VALUE`` overrides from ``--rate`` applied."""
    names = {f.name for f in dataclasses.fields(DefectRates)}
    changes: dict[str, float] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or name not in names:
            raise click.BadParameter(
                f"{item!r}: expected NAME=VALUE with NAME one of {', '.join(sorted(names))}",
                param_hint="--rate",
            )
        try:
            value = float(raw)
        except ValueError:
            raise click.BadParameter(
                f"{item!r}: {raw!r} is not a number", param_hint="--rate"
            ) from None
        if not 0.0 <= value <= 1.0:
            raise click.BadParameter(f"{item!r}: a rate is between 0 and 1", param_hint="--rate")
        changes[name] = value
    return dataclasses.replace(base, **changes)


def fail(exc: DancuError) -> None:
    """Print a domain error without a traceback and exit with its code."""
    click.echo(f"error: {exc}", err=True)
    sys.exit(exc.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dancu")
def cli() -> None:
    """dancu: clean Vietnamese resident records and score them đúng, đủ, sạch, sống.

    Example:

        dancu generate --out data/raw --residents 100000 --seed 42

        dancu clean --raw data/raw --out data/clean
    """


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/raw"),
    show_default=True,
    help="Folder for the raw files (new, empty, or written by an earlier `dancu generate`); "
    "ground truth goes to OUT/_truth/.",
)
@click.option("--residents", type=click.IntRange(min=1), default=None, help="Number of people.")
@click.option("--seed", type=int, default=None, help="Random seed (same seed, same files).")
@click.option("--as-of", "as_of", default=None, help="Reference date YYYY-MM-DD of the extract.")
@click.option(
    "--rate",
    "rates",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override one defect rate, e.g. --rate legacy_phone=0.1 (repeatable).",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default=None,
    help="default: three registers with our defect model; febrl: residents with FEBRL-style "
    "duplicates ([generate.febrl] settings). Default: [generate] profile, else default.",
)
@click.option(
    "--from",
    "previous",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Write the next weekly delivery of this generated folder instead: --change of its "
    "records edited, removed or added (a third each), ground truth and a log of the changes "
    "in OUT/_truth/.",
)
@click.option(
    "--change",
    type=click.FloatRange(min=0.0, max=0.5, min_open=True),
    default=0.01,
    show_default=True,
    help="With --from: the share of each register's records that change.",
)
@config_option
@quiet_option
@wait_option
@debug_option
def generate(
    out: Path,
    residents: int | None,
    seed: int | None,
    as_of: str | None,
    rates: tuple[str, ...],
    profile: str | None,
    previous: Path | None,
    change: float,
    config_path: Path | None,
    quiet: bool,
    wait: bool,
    debug: bool,
) -> None:
    """Write synthetic raw registers and their ground truth.

    Example:

        dancu generate --out data/raw --residents 100000 --seed 42 --rate legacy_phone=0.05

        dancu generate --out data/febrl --residents 100000 --profile febrl

        dancu generate --from data/raw --change 0.01 --out data/raw-w2 --as-of 2026-11-29
    """
    from pipelines.io.guard import replacing
    from pipelines.io.outdir import write_marker

    cfg = build_config(config_path)
    if previous is not None:
        from pipelines.generate.delivery import run_next_delivery

        progress = Progress(enabled=not quiet)
        next_seed = seed if seed is not None else cfg.generate.seed
        with (
            guarded("generate", out, progress, debug),
            replacing(out, "generate", raw=previous, wait=wait, note=progress.info),
        ):
            summary = run_next_delivery(
                previous, out, change=change, seed=next_seed,
                as_of=parse_date(as_of, "--as-of") or dt.date.today(), progress=progress,
            )  # fmt: skip
            write_marker(out, "generate", f"next-of-{previous.name}-seed-{next_seed}")
        for source, path in summary.files.items():
            click.echo(f"{source:<13} {summary.rows[source]:>10,} rows  {path}")
        click.echo(f"changes       {out / '_truth' / 'changes.parquet'}  ({summary.seconds:.1f} s)")
        return
    gen = cfg.generate
    gen = dataclasses.replace(
        gen,
        residents=residents if residents is not None else gen.residents,
        seed=seed if seed is not None else gen.seed,
        as_of=parse_date(as_of, "--as-of") or gen.as_of,
        rates=parse_rates(rates, gen.rates),
        profile=profile or gen.profile,
    )
    if gen.profile == "febrl":
        from pipelines.generate.febrl import run_generate_febrl as run
    else:
        from pipelines.generate import run_generate as run
    progress = Progress(enabled=not quiet)
    with (
        guarded("generate", out, progress, debug),
        replacing(out, "generate", wait=wait, note=progress.info),
    ):
        summary = run(out, gen, progress)
        write_marker(out, "generate", f"{gen.profile}-seed-{gen.seed}")
    for source, path in summary.files.items():
        click.echo(f"{source:<13} {summary.rows[source]:>10,} rows  {path}")
    click.echo(f"ground truth  {out / '_truth'}  ({summary.seconds:.1f} s)")


@cli.command()
@click.option(
    "--raw",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/raw"),
    show_default=True,
    help="Folder with residents.*, civil_events.*, insurance.* (csv, parquet or xlsx).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/clean"),
    show_default=True,
    help="Output folder: new, empty, or one an earlier `dancu clean` wrote; replaced "
    "atomically when the run succeeds (history/ is kept). Never --raw, inside it or "
    "containing it.",
)
@click.option("--as-of", "as_of", default=None, help="Reference date YYYY-MM-DD (default today).")
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default=None,
    help="Language of the reports and worklists (default: [clean] lang, vi).",
)
@click.option(
    "--sheet",
    default=None,
    metavar="NAME",
    help="Read only this sheet of .xlsx inputs (default: every sheet with a recognisable "
    "header row).",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Do not carry person ids from the previous run in --out: derive them afresh from the "
    "records (the stewards' decisions in OUT/decisions/ still apply).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default=None,
    help="Where to compute: local (this process) or spark (PySpark: `make setup-spark`); "
    "the same outputs either way (default: [run] engine, local).",
)
@click.option(
    "--spark-master",
    "spark_master",
    default=None,
    metavar="URL",
    help="Spark master for --engine spark, e.g. spark://host:7077 (default: [run] "
    "spark_master, else local[*]: every core of this machine).",
)
@config_option
@quiet_option
@wait_option
@debug_option
def clean(
    raw: Path,
    out: Path,
    as_of: str | None,
    lang: str | None,
    sheet: str | None,
    fresh: bool,
    engine: str | None,
    spark_master: str | None,
    config_path: Path | None,
    quiet: bool,
    wait: bool,
    debug: bool,
) -> None:
    """Run the pipeline on the raw registers and write the clean outputs.

    Ends with the four scores (đúng, đủ, sạch, sống) per register and the path of the
    HTML report. When --out holds an earlier run, its person ids are carried forward (each
    change logged in person_events.parquet) and the decisions imported with `dancu review
    import` are applied. Exit code 0 when the run completes (whatever the data quality); 2 when
    the input cannot be used (the message names the file, column or line), when --out
    holds files dancu did not write, or when another run is writing it; 3 on an internal
    error: the last good outputs stay untouched and a crash report (values masked) is
    written beside the output folder, OUT.crash-<time>.txt.

    Example:

        dancu clean --raw data/raw --out data/clean --as-of 2026-11-22 --lang en

        dancu clean --raw data/raw-week48 --out data/clean --fresh

        dancu clean --raw data/raw --out data/clean --engine spark --spark-master local[2]
    """
    from pipelines.report.console import scores_table, summary_table
    from pipelines.run import run_clean

    cfg = build_config(config_path)
    date = parse_date(as_of, "--as-of")
    if date is not None:
        cfg = dataclasses.replace(cfg, clean=dataclasses.replace(cfg.clean, as_of=date))
    if lang is not None:
        cfg = dataclasses.replace(cfg, clean=dataclasses.replace(cfg.clean, lang=lang))
    if sheet is not None:
        cfg = dataclasses.replace(cfg, clean=dataclasses.replace(cfg.clean, sheet=sheet))
    if engine is not None:
        cfg = dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, engine=engine))
    if spark_master is not None:
        if cfg.run.engine != "spark":
            raise click.UsageError("--spark-master is for --engine spark (or [run] engine)")
        cfg = dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, spark_master=spark_master))
    progress = Progress(enabled=not quiet)
    with guarded("clean", out, progress, debug):
        result = run_clean(raw, out, cfg, progress, wait=wait, fresh=fresh)
    click.echo(summary_table(result.manifest))
    click.echo("")
    click.echo(scores_table(result.scorecard))
    click.echo(f"outputs: {result.out}")
    click.echo(f"report:  {result.report}")
    asked = (result.scorecard.get("flow") or {}).get("review", {}).get("open", 0)
    if asked:
        click.echo(f"review:  {result.out / 'reports' / 'review'} ({asked} pairs to decide)")


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/clean"),
    show_default=True,
    help="Output folder of a `dancu clean` run.",
)
@click.option(
    "--truth",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("data/raw/_truth/truth.parquet"),
    show_default=True,
    help="Ground truth: source, record_id, person_key (defects.parquet beside it is used too).",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the figures as JSON to this file.",
)
@click.option(
    "--labels",
    is_flag=True,
    help="Measure against the stewards' pair decisions in OUT/decisions/ instead of ground "
    "truth: precision and recall of the automatic decisions on the decided pairs.",
)
@config_option
@debug_option
def evaluate(
    out: Path,
    truth: Path,
    json_path: Path | None,
    labels: bool,
    config_path: Path | None,
    debug: bool,
) -> None:
    """Score a run's person_id and findings against ground truth, or against labels.

    Prints pairwise precision, recall and F1 of person_id (overall, within and across
    registers), the blocking recall, and the findings' recall per injected defect. With
    --labels: the precision and recall of dancu's automatic decisions (match probability at
    or above [resolve] match_threshold) on the pairs stewards decided.

    Example:

        dancu evaluate --out data/clean --truth data/raw/_truth/truth.parquet

        dancu evaluate --out data/clean --labels
    """
    import json

    from pipelines.evaluate.labels import label_evaluation, labels_text
    from pipelines.evaluate.report import evaluation, evaluation_text

    cfg = build_config(config_path)
    with guarded("evaluate", out, Progress(enabled=False), debug):
        if labels:
            result = label_evaluation(out, cfg.resolve.match_threshold)
        else:
            result = evaluation(out, truth, cfg.resolve)
    click.echo(labels_text(result) if labels else evaluation_text(result))
    if json_path is not None:
        data = {k: v for k, v in result.items() if k != "findings_report"}
        json_path.write_text(json.dumps(data, indent=2), encoding="utf-8")


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/clean"),
    show_default=True,
    help="Output folder of a `dancu clean` run; the reports go to OUT/reports/.",
)
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default=None,
    help="Language of the reports (default: [clean] lang, vi).",
)
@config_option
@quiet_option
@wait_option
@debug_option
def report(
    out: Path, lang: str | None, config_path: Path | None, quiet: bool, wait: bool, debug: bool
) -> None:
    """Re-render the report of a run: reports/scorecard.{md,html}, or scorecard.en.* in English.

    Reads OUT/scorecard.json, OUT/history/ and OUT/findings.parquet; the HTML page needs no
    network. Exit code 2 when the scorecard or the findings are missing.

    Example:

        dancu report --out data/clean --lang en
    """
    from pipelines.io.guard import adding_to
    from pipelines.report.render import render_reports

    cfg = build_config(config_path)
    progress = Progress(enabled=not quiet)
    with (
        guarded("report", out, progress, debug),
        adding_to(out, "report", wait=wait, note=progress.info),
    ):
        paths = render_reports(out, lang or cfg.clean.lang, cfg.gate.min_score)
    progress.info(f"reports written in {out / 'reports'}")
    for path in paths:
        click.echo(path)


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/clean"),
    show_default=True,
    help="Output folder of a `dancu clean` run (scorecard.json, history/, reports/).",
)
@click.option(
    "--to",
    "to",
    multiple=True,
    metavar="ADDR",
    help="Send the national message to ADDR instead of [email] recipients (repeatable).",
)
@click.option("--send", is_flag=True, help="Send over SMTP; without it nothing is sent.")
@click.option(
    "--lang",
    type=click.Choice(["vi", "en"]),
    default=None,
    help="Language of the message (default: [clean] lang, vi).",
)
@config_option
@quiet_option
@wait_option
@debug_option
def email(
    out: Path,
    to: tuple[str, ...],
    send: bool,
    lang: str | None,
    config_path: Path | None,
    quiet: bool,
    wait: bool,
    debug: bool,
) -> None:
    """Build the weekly scorecard e-mail; write it as .eml, send it with --send.

    Writes OUT/reports/email-YYYY-Www.eml (and email-YYYY-Www-PP.eml per province in
    [email.provinces]). With --send it first sends what earlier runs left in
    OUT/reports/outbox/, then this week's messages; whatever cannot be delivered is kept
    there. Exit code 0 when everything was sent (or nothing was asked), 1 when a message
    or a recipient failed (the message is kept in the outbox), 2 for unusable settings.

    Example:

        DANCU_SMTP_PASSWORD=… dancu email --out data/clean --send --to lanh.dao@example.gov.vn
    """
    from pipelines.email.command import run_email
    from pipelines.io.guard import adding_to

    cfg = build_config(config_path)
    progress = Progress(enabled=not quiet)
    with (
        guarded("email", out, progress, debug),
        adding_to(out, "email", wait=wait, note=progress.info),
    ):
        result = run_email(
            out,
            cfg.email,
            to=to,
            send=send,
            lang=lang or cfg.clean.lang,
            targets=cfg.gate.min_score,
        )
    if not quiet or not result.ok:
        for line in result.lines():
            click.echo(line)
    if not result.ok:
        click.echo("error: some messages were not delivered (see above)", err=True)
        sys.exit(1)


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/clean"),
    show_default=True,
    help="Output folder of a `dancu clean` run; the JUnit file goes to OUT/reports/.",
)
@click.option(
    "--accept",
    is_flag=True,
    help="Record this run as the accepted baseline (OUT/history/accepted-scorecard.json) "
    "if it passes; drops against the old baseline are shown as warnings.",
)
@click.option(
    "--suites",
    "suites_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of the GX suites (default: [gate] suites, ./expectations).",
)
@config_option
@quiet_option
@wait_option
@debug_option
def gate(
    out: Path,
    accept: bool,
    suites_dir: Path | None,
    config_path: Path | None,
    quiet: bool,
    wait: bool,
    debug: bool,
) -> None:
    """Refuse or pass a run: GX suites, [gate] thresholds and regression vs the accepted run.

    Prints every check with PASS / FAIL / WARN / SKIP and writes OUT/reports/gate-junit.xml
    (and a Markdown summary to $GITHUB_STEP_SUMMARY when set). Exit code 0 when every
    check passes, 1 when one fails, 2 when the gate cannot run (no outputs, broken
    [gate] settings or suite); the message says what to do.

    Example:

        dancu gate --out data/clean && dancu gate --out data/clean --accept
    """
    from pipelines.gate import run_gate
    from pipelines.gate.summary import checks_table, verdict
    from pipelines.io.guard import adding_to

    cfg = build_config(config_path)
    progress = Progress(enabled=not quiet)
    with (
        guarded("gate", out, progress, debug),
        adding_to(out, "gate", wait=wait, note=progress.info),
    ):
        result = run_gate(out, cfg.gate, suites_dir=suites_dir, accept=accept, progress=progress)
    click.echo(checks_table(result.checks))
    click.echo("")
    click.echo(f"{verdict(result.checks)} ({result.seconds:.1f} s)")
    click.echo(f"junit: {result.junit}")
    if accept:
        click.echo(
            f"accepted as the baseline: {result.accepted}"
            if result.accepted
            else "not accepted: the run fails the gate"
        )
    if not result.passed:
        sys.exit(1)


@cli.group()
def review() -> None:
    """Bring the stewards' decisions back: filled review files and worklists.

    Example:

        dancu review import --out data/clean data/clean/reports/review/01-ha-noi.xlsx
    """


@review.command("import")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/clean"),
    show_default=True,
    help="Output folder of a `dancu clean` run; the decisions go to OUT/decisions/.",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@config_option
@quiet_option
@wait_option
@debug_option
def review_import(
    out: Path,
    files: tuple[Path, ...],
    config_path: Path | None,
    quiet: bool,
    wait: bool,
    debug: bool,
) -> None:
    """Read filled review files (reports/review/) and worklists (reports/worklist/).

    Checks every row against the run in OUT (unknown pair or finding keys and record ids,
    records changed since the file was written, a pair decided both ways, decisions that
    contradict each other) and stores the decisions in OUT/decisions/, kept from run to
    run: 'cùng người' joins two records, 'khác người' keeps them apart, 'không phải lỗi'
    takes a finding off the list, 'đã sửa tại nguồn' that still shows comes back as 'mở
    lại'. They apply from the next `dancu clean`. A filled file inside OUT is recorded as
    imported, so the next clean may replace it (a copy is kept in OUT/decisions/imported/).
    Exit code 0 when imported; 2 when a file or a row cannot be used: nothing is imported
    then, and the message names the file, sheet and row.

    Example:

        dancu review import --out data/clean data/clean/reports/review/*.xlsx week48.xlsx
    """
    from pipelines.decisions.command import run_review_import
    from pipelines.io.guard import adding_to

    build_config(config_path)
    progress = Progress(enabled=not quiet)
    with (
        guarded("review import", out, progress, debug),
        adding_to(out, "review import", wait=wait, note=progress.info),
    ):
        result = run_review_import(out, list(files))
    for line in result.lines():
        click.echo(line)


def main() -> None:
    """Entry point of the ``dancu`` console script."""
    cli()


if __name__ == "__main__":
    main()
