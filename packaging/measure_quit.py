"""How long nnviz lingers after Ctrl+Q under a real X server: time to the window gone and to the process end.

Needs Xvfb (or a desktop's DISPLAY), xdotool and xwininfo (Debian: xvfb xdotool x11-utils).
Run from the repository: `python packaging/measure_quit.py --runs 5 --train-seconds 5`; it starts
Xvfb on a free display unless --display is given, trains a few seconds if asked (Space), presses
Ctrl+Q, answers "Discard" when the app asks to save the trained network (timed from that answer)
and reports the medians. Settings go to a temporary home; the saved settings are checked.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _viewable(window: str, env: dict) -> bool:
    info = subprocess.run(["xwininfo", "-id", window], env=env, capture_output=True, text=True).stdout
    return "IsViewable" in info


def _main_window(env: dict, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--class", "nnviz"], env=env, capture_output=True, text=True)
        viewable = [w for w in found.stdout.split() if _viewable(w, env)]
        if viewable:
            return viewable[0]
        time.sleep(0.1)
    raise RuntimeError("the nnviz window did not appear")


def _save_question(app: subprocess.Popen, env: dict, timeout: float = 3.0) -> str | None:
    """The "Save the trained network?" question's window, if the app asks before quitting."""
    deadline = time.monotonic() + timeout
    while app.poll() is None and time.monotonic() < deadline:
        found = subprocess.run(["xdotool", "search", "--name", "Save the trained network"], env=env,
                               capture_output=True, text=True).stdout.split()
        viewable = [w for w in found if _viewable(w, env)]
        if viewable:
            return viewable[-1]
        time.sleep(0.02)
    return None


def measure_once(env: dict, train_seconds: float) -> tuple[float, float, bool]:
    """(seconds to the window gone, seconds to the process end, settings saved) after one Ctrl+Q."""
    home = Path(tempfile.mkdtemp(prefix="nnviz-quit-"))
    run_env = dict(env, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                   XDG_DATA_HOME=str(home / ".local" / "share"))
    app = subprocess.Popen([sys.executable, "-m", "nnviz"], env=run_env, stderr=subprocess.DEVNULL)
    try:
        window = _main_window(run_env)
        time.sleep(3.0)  # data loaded, first frames drawn
        subprocess.run(["xdotool", "windowfocus", "--sync", window], env=run_env)
        if train_seconds:
            subprocess.run(["xdotool", "key", "--window", window, "space"], env=run_env)
            time.sleep(train_seconds)
        started = time.monotonic()
        subprocess.run(["xdotool", "key", "--window", window, "ctrl+q"], env=run_env, stderr=subprocess.DEVNULL)
        question = _save_question(app, run_env) if train_seconds else None
        if question is not None:
            # A trained, unsaved network: the app asks first, as it should. Answer "Discard" (Tab
            # from the default Save to the next button, then Return) and time the quit from there.
            subprocess.run(["xdotool", "windowfocus", "--sync", question], env=run_env, stderr=subprocess.DEVNULL)
            started = time.monotonic()
            subprocess.run(["xdotool", "key", "--window", question, "Tab", "Return"], env=run_env,
                           stderr=subprocess.DEVNULL)
        gone = None
        while app.poll() is None and time.monotonic() - started < 30:
            if gone is None and not _viewable(window, run_env):
                gone = time.monotonic() - started
            time.sleep(0.002)
        ended = time.monotonic() - started
        saved = (home / ".config" / "nnviz" / "nnviz.conf").is_file()
        return (gone if gone is not None else ended), ended, saved
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Ctrl+Q measurements (medians reported)")
    parser.add_argument("--train-seconds", type=float, default=5.0, help="train this long before quitting")
    parser.add_argument("--display", default=None, help="use this X display instead of starting Xvfb")
    args = parser.parse_args(argv)
    for tool in ("xdotool", "xwininfo") + (() if args.display else ("Xvfb",)):
        if shutil.which(tool) is None:
            print(f"{tool} is needed (Debian: apt install xvfb xdotool x11-utils)", file=sys.stderr)
            return 1
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    server = None
    if args.display is None:
        display = f":{90 + os.getpid() % 100}"
        server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                                  stderr=subprocess.DEVNULL)
        time.sleep(1.0)
    else:
        display = args.display
    env["DISPLAY"] = display
    try:
        results = [measure_once(env, args.train_seconds) for _ in range(args.runs)]
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    gone = statistics.median(r[0] for r in results)
    ended = statistics.median(r[1] for r in results)
    print(f"after Ctrl+Q ({args.runs} runs, {args.train_seconds:g} s of training first): window gone in "
          f"{gone:.3f} s, process ended in {ended:.3f} s (median; each run: "
          + ", ".join(f"{r[1]:.3f}" for r in results) + " s); settings saved in "
          + f"{sum(r[2] for r in results)} of {args.runs} runs")
    return 0 if all(r[2] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
