/*
 * The pod sandbox's placeholder process for kubeedge-java's locally built pause image.
 *
 * It holds the sandbox's namespaces open and does nothing else: it sleeps in pause(),
 * reaps any child re-parented to it (it is PID 1 when the pod shares a PID namespace),
 * and exits 0 on SIGTERM or SIGINT. Built statically by hack/images.sh.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_stop(int signo) {
  (void)signo;
  stop_requested = 1;
}

static void on_child(int signo) {
  (void)signo;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int handle(int signo, void (*handler)(int)) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  action.sa_flags = signo == SIGCHLD ? SA_NOCLDSTOP | SA_RESTART : 0;
  sigemptyset(&action.sa_mask);
  return sigaction(signo, &action, NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("pause (kubeedge-java) 3.10");
    return 0;
  }
  if (handle(SIGTERM, on_stop) != 0 || handle(SIGINT, on_stop) != 0 ||
      handle(SIGCHLD, on_child) != 0) {
    perror("pause: sigaction");
    return 1;
  }
  if (getpid() != 1) {
    fputs("pause: not PID 1; orphans of this namespace are not re-parented here\n", stderr);
  }
  while (!stop_requested) {
    pause();
  }
  return 0;
}
