"""`manage.py archive OUT`: the public site as static files (see diegem.site_archive)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from diegem.site_archive import ArchiveError, ArchiveStopped, archive_build


class Command(BaseCommand):
    help = (
        "Write the public site as static files to the folder OUT (relative links, offline "
        "search), for deposit when the site ends."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "out", type=Path, help="The folder to write; must not exist or be empty."
        )
        parser.add_argument(
            "--force", action="store_true", help="Replace OUT even if it holds files."
        )
        parser.add_argument("--zip", action="store_true", help="Also write OUT.zip beside it.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--stop-after",
            type=float,
            default=None,
            metavar="SECONDS",
            help="For measuring: give up after SECONDS, write nothing, say how far it got.",
        )

    def handle(self, *args, out, force, zip, quiet, stop_after, verbosity, **options):
        quiet = quiet or verbosity == 0
        # The bar writes to the stream under Django's wrapper, which would end every
        # redraw with a newline.
        bar = tqdm(
            total=0, unit="url", desc="archief", file=self.stderr._out, disable=quiet, leave=False
        )

        def progress(done: int, known: int) -> None:
            if bar.total != known:
                bar.total = known
            bar.update(done - bar.n)

        try:
            result = archive_build(
                out, force=force, make_zip=zip, progress=progress, stop_after=stop_after
            )
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        except ArchiveStopped as stopped:
            # Always said, whatever the verbosity: it is the command's result (`bench_data` reads it).
            self.stdout.write(
                f"Gestopt na {stopped.result.seconds:.0f} s: {stopped.done} van {stopped.known} "
                f"bekende adressen, {stopped.result.files} bestanden, {stopped.result.bytes} bytes; "
                f"niets geschreven in {out}."
            )
            return
        finally:
            bar.close()
        if verbosity:
            self.stdout.write(
                f"Archive written to {out}: {result.pages} pages, {result.files} files, "
                f"{result.bytes:,} bytes in {result.seconds:.1f} s"
                + (f" ({len(result.missing)} links gave no page)" if result.missing else "")
                + (f"; {out}.zip" if zip else "")
            )
