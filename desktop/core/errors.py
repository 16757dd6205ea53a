"""InklingError: the root of every error that is the environment's or the user's fault, said in words."""


class InklingError(Exception):
    """A problem the user can act on (a busy folder, a missing model, bad input); its text is shown as is.

    Anything else that escapes is a bug and is raised, never shown as a message.
    """


class DamagedDataError(InklingError):
    """One stored value (a message's trace, sources or prompt) cannot be read; everything else still can.

    Readers catch it to show the rest of the conversation with the damaged part marked.
    """
