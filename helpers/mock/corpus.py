"""Fixed text the mock builds its answers from (readable, recognisably the mock's)."""

from __future__ import annotations

OPENING = 'This is the vLLM Chat Kit mock replying to "{quote}".'
# Sampled answers (temperature > 0) open with one of these; greedy answers always use OPENING.
OPENINGS = (
    OPENING,
    'The vLLM Chat Kit mock here, answering "{quote}".',
    'Mock answer from the vLLM Chat Kit to "{quote}".',
    'Hello from the vLLM Chat Kit mock! You asked: "{quote}".',
)

SENTENCES = (
    "The mock speaks the same HTTP API as a real vLLM server, so your code does not change.",
    "Every answer here is made up from a fixed list of sentences.",
    "Start a real vLLM server and point the kit at it to get real model output.",
    "Setting temperature to zero makes the answer the same on every run.",
    "A seed makes sampled answers repeat as well.",
    "Streaming sends the same text one token at a time.",
    "The usage block counts the tokens of the prompt and of the answer.",
    "LangChain talks to this server through the ChatOpenAI class.",
    "The max tokens setting cuts the answer short and the finish reason becomes length.",
    "Stop strings end the answer early and are not part of the text.",
    "You can ask for several choices at once with the n parameter.",
    "Log probabilities come back in the same shape as from vLLM.",
    "A JSON schema in the response format gives you JSON that fits the schema.",
    "Tools are called when the question mentions them.",
    "The models endpoint lists the names this server answers to.",
    "The health endpoint answers with an empty body when the server is ready.",
    "Metrics are published in the Prometheus text format.",
    "Tokens are word pieces, and unknown text falls back to single bytes.",
    "Nothing is sent to the internet, and no model weights are needed.",
    "Each request is answered in well under a millisecond.",
    "Try changing the prompt to see a different answer.",
    "Small models can be wrong, so always check what they say.",
    "A chat is a list of messages with roles such as system, user and assistant.",
    "The system message sets the tone for the whole conversation.",
    "Batching many requests together keeps the server busy and fast.",
    "An API key protects the server when it is shared with others.",
    "Good prompts are short, clear and specific.",
    "The context window limits how long the prompt and the answer can be together.",
    "Prompt templates fill in the blanks of a message before it is sent.",
    "Chains connect a prompt, a model and an output parser.",
)
