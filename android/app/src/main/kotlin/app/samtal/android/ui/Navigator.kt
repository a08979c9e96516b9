package app.samtal.android.ui

/** Where the user is. Kept by the process, so a recreated activity shows the same place. */
sealed class Route {
    /** Decides where to begin: enrolment, sign-in, a recording to recover, or today's list. */
    data object Start : Route()
    data object SignIn : Route()
    data object Sessions : Route()
    data object Consent : Route()
    data class MicRefused(val session: String) : Route()
    data class Recording(val session: String) : Route()
    data class Review(val session: String) : Route()
    data class Citizen(val session: String) : Route()
    data class Approve(val session: String) : Route()
    data class CitizenSign(val session: String) : Route()
    data object Outbox : Route()
    data object Settings : Route()
}

class Navigator {
    private val stack = ArrayDeque<Route>(listOf(Route.Start))
    var onChange: ((Route) -> Unit)? = null

    val current: Route get() = stack.last()

    fun go(route: Route) {
        stack.addLast(route)
        onChange?.invoke(route)
    }

    /** Replaces the whole history: after a step that must not be undone by going back. */
    fun reset(route: Route) {
        stack.clear()
        stack.addLast(route)
        onChange?.invoke(route)
    }

    /** Goes back one step; false when there is nowhere to go back to. */
    fun back(): Boolean {
        if (stack.size <= 1) return false
        stack.removeLast()
        onChange?.invoke(current)
        return true
    }
}
